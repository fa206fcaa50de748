//! Starting a pack for a new jurisdiction: `rules init-pack --extends PACK` writes a child pack
//! with every parameter of the parent listed (commented out, with its value, clause and the
//! override syntax), every rule id it may override, and a first test file. The CLI prints or
//! writes the text; nothing here touches the file system.

use std::fmt::Write as _;

use super::{Check, Pack};
use crate::diag::Lang;
use crate::engine::format_value;
use crate::expr::Value;

/// The author's guide, relative to the repository root.
pub const GUIDE: &str = "docs/authoring.md";

/// One line that sends a pack author to the guide.
pub fn guide_pointer(lang: Lang) -> String {
    if lang.is_zh() {
        format!("编写规则包的说明见 {GUIDE}（覆盖、new = true、override = true、测试与覆盖率）")
    } else {
        format!(
            "how to write a pack: see {GUIDE} (overrides, `new = true`, `override = true`, tests and coverage)"
        )
    }
}

/// What the scaffold needs besides the parent.
pub struct Options<'a> {
    /// The new pack's id (`<jurisdiction>-<year>`).
    pub id: &'a str,
    pub jurisdiction: &'a str,
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::Num(n) => format!("\"{}\"", crate::num::plain(*n)),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::Date(d) => d.to_string(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(toml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Unknown(_) => "\"…\"".to_string(),
    }
}

/// The text of a new child pack of `parent`.
pub fn pack_text(parent: &Pack, o: &Options<'_>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# A pack for {j}, extending {p} ({doc}). Written by `wagecheck rules init-pack --extends {p}`;\n\
         # see {GUIDE}. Everything not said here is inherited from {p}: quantities, the cap, the\n\
         # regime steps, the catalog, every rule. Say only what your text changes.\n\
         #\n\
         # - a parameter of the parent: `name = {{ value = …, override = true, source = \"clause\" }}`\n\
         # - a rule of the parent: `[[rule]]` with its id and only the keys you change (restate\n\
         #   `clause` when your text is the basis, so the report cites your document)\n\
         # - a new rule: `[[rule]]` with `new = true`, a clause, a message in zh and en, and\n\
         #   `after = \"id\"` to list it next to the rule it refines\n\
         # - a parent rule that does not apply: `[[rule]]` with its id and `off = \"why\"`\n",
        j = o.jurisdiction,
        p = parent.id,
        doc = parent.document,
    );
    let _ = writeln!(
        s,
        "[pack]\n\
         id = \"{id}\"\n\
         title = {{ zh = \"（填写文件标题）\", en = \"(the document's title)\" }}\n\
         document = \"（文号）\"\n\
         issuer = {{ zh = \"（发文机关）\", en = \"(issuing body)\" }}\n\
         jurisdiction = \"{j}\"\n\
         extends = \"{p}\"\n\
         effective_from = {from}\n",
        id = o.id,
        j = o.jurisdiction,
        p = parent.id,
        from = parent.effective_from,
    );
    let _ = writeln!(
        s,
        "[params]\n# The parent's parameters. Uncomment and set those your text gives a number for."
    );
    for p in &parent.params {
        let shown = if p.value.is_known() {
            toml_value(&p.value)
        } else {
            "\"…\"".to_string()
        };
        let _ = writeln!(
            s,
            "# {}: {} / {}{}\n# {} = {{ value = {}, override = true, source = \"{}\" }}",
            p.name,
            p.text.zh,
            p.text.en,
            if p.value.is_known() {
                format!(
                    " (now {})",
                    format_value(&p.value, super::Format::Plain, Lang::En)
                )
            } else {
                " (unset in the parent: set it where your text gives a number)".to_string()
            },
            p.name,
            shown,
            p.source.as_deref().unwrap_or(""),
        );
    }
    let _ = writeln!(
        s,
        "\n# The parent's rules, by id (override key by key; `off = \"why\"` to switch one off):"
    );
    for r in &parent.rules {
        let kind = match &r.check {
            Some(Check::Bound { strict: true, .. }) => "bound, strict",
            Some(Check::Bound { .. }) => "bound",
            _ => "require",
        };
        let _ = writeln!(s, "#   {:<32} {} — {} ({kind})", r.id, r.clause, r.title.en);
    }
    let _ = writeln!(
        s,
        "\n# [[rule]]\n\
         # id = \"linkage.restricted_growth\"     # an override: only the keys you change\n\
         # clause = \"二(三)1 其中\"\n\
         # bound = \"restricted_cap_ratio * efficiency_growth\"\n\
         # strict = false\n\
         #\n\
         # [[rule]]\n\
         # id = \"{j}.example\"                   # a new rule\n\
         # new = true\n\
         # after = \"linkage.asset_preservation\"\n\
         # clause = \"…\"\n\
         # title = {{ zh = \"…\", en = \"…\" }}\n\
         # when = \"…\"\n\
         # bound = \"…\"\n\
         # message = {{ zh = \"…{{bound:%}}…\", en = \"…{{bound:%}}…\" }}",
        j = o.jurisdiction,
    );
    s
}

/// The folder, relative to the pack's folder, that holds the new pack's tests.
pub fn tests_rel_dir(id: &str) -> String {
    format!("tests/{id}")
}

/// A first test file for the new pack, `tests/<id>/inherited.toml` beside it. When the parent
/// is built in, it imports the parent's tests, so that `rules test` passes at once and every
/// number the author changes shows up as a failing expectation to override.
pub fn test_text(parent: &Pack, parent_is_builtin: bool, o: &Options<'_>) -> String {
    let head = format!(
        "# Tests of {id}, run by `wagecheck rules test path/to/{id}.toml` (this file lives in\n\
         # `tests/{id}/` beside the pack). See {GUIDE}.\n\
         #\n\
         # The parent's tests, run against this pack. When a number you change makes one fail,\n\
         # change its expectations here (`[import.expect.\"test name\"]`, key by key) or `skip` it;\n\
         # then add tests of your own (another file in this folder) until\n\
         # `rules test path/to/{id}.toml --min-coverage 100` passes.\n",
        id = o.id,
    );
    if parent_is_builtin {
        format!(
            "{head}\n[[import]]\n\
             pack = \"{parent}\"     # the tests built in with {parent}\n\
             # skip = [\"name of a test\"]\n\
             # [import.expect.\"name of a test\"]\n\
             # verdict = \"fail\"\n",
            parent = parent.id,
        )
    } else {
        format!(
            "{head}\n# [[import]]\n\
             # file = \"../../tests/{parent}/….toml\"   # the parent's tests, relative to this file\n\
             \n\
             [[test]]\n\
             name = \"a bundled sample\"\n\
             filing = \"path/to/a/filing.toml\"   # relative to this file, or an inline table\n\
             [test.expect]\n\
             verdict = \"pass\"\n",
            parent = parent.id,
        )
    }
}
