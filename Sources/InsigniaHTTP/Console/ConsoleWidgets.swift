import Registry

/// Form pieces the console's pages share.
enum ConsoleWidgets {
    /// A labelled input of a filter or form.
    static func field(_ label: String, _ name: String, _ value: String?, type: String = "text", placeholder: String? = nil, required: Bool = false) -> HTML {
        el("label") {
            el("span") { label }
            HTML.void("input", ["type": type, "name": name, "value": value, "placeholder": placeholder, "required": required ? "" : nil])
        }
    }

    /// A labelled choice among a filter's values, "any" first.
    static func choice<T: RawRepresentable & CaseIterable & Equatable>(_ label: String, _ name: String, selected: T?) -> HTML where T.RawValue == String {
        el("label") {
            el("span") { label }
            el("select", ["name": name]) {
                el("option", ["value": ""]) { "any" }
                for option in T.allCases {
                    el("option", ["value": option.rawValue, "selected": option == selected ? "" : nil]) { option.rawValue }
                }
            }
        }
    }

    /// The value of a choice field, or `invalid_request` naming the accepted values.
    static func parse<T: RawRepresentable & CaseIterable>(_ form: ConsoleForm, _ name: String, as _: T.Type) throws -> T? where T.RawValue == String {
        try form[name].map { text in
            guard let value = T(rawValue: text) else {
                throw RegistryError.invalidRequest("\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
    }

    /// A secret shown once, with a copy button (`console.js`): a new API key, an issued badge.
    static func shownOnce(_ title: String, note: String, id: String, value: String, rows: Int) -> HTML {
        el("section", ["class": "once", "aria-labelledby": "\(id)-title"]) {
            el("h2", ["id": "\(id)-title"]) { title }
            el("p") { note }
            el("textarea", ["id": id, "readonly": "", "rows": String(rows)]) { value }
            el("button", ["type": "button", "data-copy": id]) { "Copy" }
        }
    }
}
