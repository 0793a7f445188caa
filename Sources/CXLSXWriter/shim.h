#ifndef MIGSTAT_CXLSXWRITER_SHIM_H
#define MIGSTAT_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
