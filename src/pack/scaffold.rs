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
    /// The language of the comments.
    pub lang: Lang,
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
    let zh = o.lang.is_zh();
    let t = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let (j, p, doc) = (o.jurisdiction, &parent.id, &parent.document);
    let mut s = String::new();
    let head = if zh {
        format!(
            "# {j} 的规则包，继承 {p}（{doc}）。由 `wagecheck rules init-pack --extends {p}` 生成；说明见 {GUIDE}。\n\
             # 这里没写的都继承自 {p}：数量、上限、备案/核准步骤、指标目录、全部规则。只写本地文件改变的内容。\n\
             #\n\
             # - 上级的参数：`名称 = {{ value = …, override = true, source = \"条款\" }}`\n\
             # - 上级的规则：`[[rule]]`，写它的 id 和要改的键（以本地文件为依据时重写 `clause`，报告即引用本文件）\n\
             # - 新增规则：`[[rule]]`，写 `new = true`、条款、中英文消息，并用 `after = \"id\"` 排在它细化的规则之后\n\
             # - 不适用的上级规则：`[[rule]]`，写它的 id 和 `off = \"理由\"`\n"
        )
    } else {
        format!(
            "# A pack for {j}, extending {p} ({doc}). Written by `wagecheck rules init-pack --extends {p}`;\n\
             # see {GUIDE}. Everything not said here is inherited from {p}: quantities, the cap, the\n\
             # regime steps, the catalog, every rule. Say only what your text changes.\n\
             #\n\
             # - a parameter of the parent: `name = {{ value = …, override = true, source = \"clause\" }}`\n\
             # - a rule of the parent: `[[rule]]` with its id and only the keys you change (restate\n\
             #   `clause` when your text is the basis, so the report cites your document)\n\
             # - a new rule: `[[rule]]` with `new = true`, a clause, a message in zh and en, and\n\
             #   `after = \"id\"` to list it next to the rule it refines\n\
             # - a parent rule that does not apply: `[[rule]]` with its id and `off = \"why\"`\n"
        )
    };
    s.push_str(&head);
    let _ = writeln!(
        s,
        "\n[pack]\n\
         id = \"{id}\"\n\
         title = {{ zh = \"（填写文件标题）\", en = \"(the document's title)\" }}\n\
         document = \"（文号）\"\n\
         issuer = {{ zh = \"（发文机关）\", en = \"(issuing body)\" }}\n\
         jurisdiction = \"{j}\"\n\
         extends = \"{p}\"\n\
         effective_from = {from}   # {note}\n",
        id = o.id,
        from = parent.effective_from,
        note = t(
            "本文件的生效日期（按预算年度 1 月 1 日选用规则包）",
            "the date your text takes effect (a pack is chosen for a budget year in force on 1 January)"
        ),
    );
    let _ = writeln!(
        s,
        "[params]\n# {}",
        t(
            "上级包的参数。取消注释并设置本地文件给出数值的参数（override = true 必须保留）。",
            "The parent's parameters. Uncomment and set those your text gives a number for (keep override = true)."
        )
    );
    for prm in &parent.params {
        let shown = if prm.value.is_known() {
            toml_value(&prm.value)
        } else {
            "\"…\"".to_string()
        };
        let now = if prm.value.is_known() {
            let v = format_value(&prm.value, super::Format::Plain, o.lang);
            if zh {
                format!("（现为 {v}）")
            } else {
                format!(" (now {v})")
            }
        } else {
            t(
                "（上级包未设定：本地文件给出数值时设置）",
                " (unset in the parent: set it where your text gives a number)",
            )
        };
        let _ = writeln!(
            s,
            "# {}: {}{now}\n# {} = {{ value = {shown}, override = true, source = \"{}\" }}",
            prm.name,
            prm.text.get(o.lang),
            prm.name,
            prm.source.as_deref().unwrap_or(""),
        );
    }
    let _ = writeln!(
        s,
        "\n# {}",
        t(
            "上级包的规则（按 id 逐键覆盖；`off = \"理由\"` 关闭）：",
            "The parent's rules, by id (override key by key; `off = \"why\"` to switch one off):"
        )
    );
    for r in &parent.rules {
        let kind = match &r.check {
            Some(Check::Bound { strict: true, .. }) => t("严格上限", "bound, strict"),
            Some(Check::Bound { .. }) => t("上限", "bound"),
            _ => t("要求", "require"),
        };
        let _ = writeln!(
            s,
            "#   {:<32} {} — {} ({kind})",
            r.id,
            r.clause,
            r.title.get(o.lang)
        );
    }
    // An override and a new rule, modelled on the parent's first bound rule.
    let example = parent
        .rules
        .iter()
        .find(|r| matches!(r.check, Some(Check::Bound { .. })))
        .or(parent.rules.first());
    if let Some(r) = example {
        let _ = writeln!(
            s,
            "\n# [[rule]]\n\
             # id = \"{id}\"     # {over}\n\
             # clause = \"{clause}\"\n\
             # bound = \"…\"\n\
             #\n\
             # [[rule]]\n\
             # id = \"{j}.example\"     # {new}\n\
             # new = true\n\
             # after = \"{id}\"\n\
             # clause = \"…\"\n\
             # title = {{ zh = \"…\", en = \"…\" }}\n\
             # when = \"…\"\n\
             # bound = \"…\"\n\
             # message = {{ zh = \"…{{bound:%}}…\", en = \"…{{bound:%}}…\" }}",
            id = r.id,
            clause = r.clause,
            over = t(
                "覆盖：只写要改的键",
                "an override: only the keys you change"
            ),
            new = t("新增规则", "a new rule"),
        );
    }
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
    let head = if o.lang.is_zh() {
        format!(
            "# {id} 的测试，用 `wagecheck rules test path/to/{id}.toml` 运行（本文件位于规则包旁的\n\
             # `tests/{id}/` 中）。说明见 {GUIDE}。\n\
             #\n\
             # 下面导入上级包的测试，对本规则包运行。修改的数值使某个测试失败时，在这里改它的期望\n\
             # （`[import.expect.\"测试名\"]`，逐键）或 `skip` 它；再在本目录另写自己的测试，直到\n\
             # `rules test path/to/{id}.toml --min-coverage 100` 通过。\n",
            id = o.id,
        )
    } else {
        format!(
            "# Tests of {id}, run by `wagecheck rules test path/to/{id}.toml` (this file lives in\n\
         # `tests/{id}/` beside the pack). See {GUIDE}.\n\
         #\n\
         # The parent's tests, run against this pack. When a number you change makes one fail,\n\
         # change its expectations here (`[import.expect.\"test name\"]`, key by key) or `skip` it;\n\
         # then add tests of your own (another file in this folder) until\n\
         # `rules test path/to/{id}.toml --min-coverage 100` passes.\n",
            id = o.id,
        )
    };
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
