#ifndef MIGSTAT_CLIBPQ_SHIM_H
#define MIGSTAT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
