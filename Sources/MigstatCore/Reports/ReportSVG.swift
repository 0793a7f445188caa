/// Builds one inline `<svg>` element for an HTML page: accessible (`role="img"`, `aria-label`, `<title>`,
/// `<desc>`), with a hatch pattern for suppressed values, every text escaped. No `xmlns` is needed inline, so
/// the page holds no URL at all.
struct SVG {
    private(set) var body = ""
    private let id: String
    private let width: Double
    private let height: Double
    private let title: String
    private let description: String

    /// Starts a drawing of `width` × `height` user units.
    /// - Parameter id: a prefix for element ids, unique in the page.
    init(id: String, width: Double, height: Double, title: String, description: String) {
        self.id = id
        self.width = width
        self.height = height
        self.title = title
        self.description = description
    }

    /// A number for an attribute: at most one decimal.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        return fraction == 0 ? String(whole) : (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }

    /// Adds a text; `anchor` is `start`, `middle` or `end`.
    mutating func text(_ text: String, x: Double, y: Double, anchor: String, className: String? = nil,
                       fill: String? = nil) {
        guard !text.isEmpty else { return }
        body += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\""
        if let className { body += " class=\"\(className)\"" }
        if let fill { body += " style=\"fill: \(fill)\"" }
        body += ">\(ReportEscape.html(text))</text>"
    }

    /// Adds a line.
    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String) {
        body += "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" "
            + "y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>"
    }

    /// Adds a rectangle; `dashed` draws a dashed outline in `stroke`.
    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
                       dashed: Bool = false) {
        body += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" "
            + "height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\" stroke-width=\"1\"" }
        if dashed { body += " stroke-dasharray=\"3 2\"" }
        body += "/>"
    }

    /// Opens a group with a tooltip (`<title>`, also read by screen readers).
    mutating func open(_ element: String, tooltip: String) {
        body += "<\(element)><title>\(ReportEscape.html(tooltip))</title>"
    }

    /// Closes a group.
    mutating func close(_ element: String) {
        body += "</\(element)>"
    }

    /// A legend row: a swatch per series, then the hatched "not published" swatch.
    mutating func legend(y: Double, items: [(String, String)], x start: Double,
                         notPublished: String = "not published (x)") {
        var x = start
        for (label, colour) in items + [(notPublished, "")] {
            if colour.isEmpty {
                rect(x: x, y: y - 11, width: 22, height: 13, fill: "url(#\(id)-hatch)", stroke: "#555", dashed: true)
            } else {
                rect(x: x, y: y - 11, width: 22, height: 13, fill: colour)
            }
            text(label, x: x + 28, y: y, anchor: "start")
            x += 28 + Double(label.count) * 7 + 24
        }
    }

    /// The finished `<svg>` element.
    func finish() -> String {
        let w = Self.number(width), h = Self.number(height)
        return "<svg class=\"chart\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\" role=\"img\" "
            + "aria-label=\"\(ReportEscape.html(title))\" aria-describedby=\"\(id)-desc\">"
            + "<title>\(ReportEscape.html(title))</title>"
            + "<desc id=\"\(id)-desc\">\(ReportEscape.html(description))</desc>"
            + "<defs><pattern id=\"\(id)-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
            + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
            + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#6b6b6b\" stroke-width=\"2.5\"/></pattern></defs>"
            + body + "</svg>"
    }
}
