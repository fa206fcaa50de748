//! Bad input: every error names the file, the line and column, and the field, in both languages.

use wagecheck::diag::Diagnostic;
use wagecheck::engine;
use wagecheck::filing;
use wagecheck::pack::Registry;

mod common;
use common::BASE;

/// An annual return built on the base filing.
fn annual_return(report_filed_on: &str) -> String {
    format!(
        "{}\n[execution]\napproved_wage_total = 12_600_000\nactual_wage_total = 12_550_000\n\
         actual_average_headcount = 251\nreport_filed_on = {report_filed_on}\n\
         disclosed_on = 2025-10-15\n",
        BASE.replace("kind = \"budget\"", "kind = \"annual_return\"")
    )
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

/// (line, column), both from 1, of the first occurrence of `needle` (column in characters).
fn pos_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() + 1)
}

/// Both languages present and different.
#[track_caller]
fn assert_bilingual(d: &Diagnostic) {
    assert!(!d.message.zh.trim().is_empty(), "empty zh: {d:?}");
    assert!(!d.message.en.trim().is_empty(), "empty en: {d:?}");
    assert_ne!(d.message.zh, d.message.en, "zh and en are the same: {d:?}");
}

fn errors(name: &str, text: &str) -> Vec<Diagnostic> {
    match filing::parse_str(name, text) {
        Ok(_) => panic!("{name} should not parse:\n{text}"),
        Err(e) => {
            assert!(!e.is_empty());
            for d in &e {
                assert_eq!(d.file, name);
                assert_bilingual(d);
            }
            e
        }
    }
}

/// The one error about `field`.
#[track_caller]
fn error_for<'a>(errs: &'a [Diagnostic], field: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = errs
        .iter()
        .filter(|d| d.field.as_deref() == Some(field))
        .collect();
    assert_eq!(found.len(), 1, "errors for {field}: {errs:#?}");
    found[0]
}

#[track_caller]
fn assert_at(d: &Diagnostic, (line, column): (usize, usize)) {
    assert_eq!(
        (d.line, d.column),
        (Some(line), Some(column)),
        "position of {d:#?}"
    );
}

#[test]
fn base_parses() {
    let f = filing::parse_str("base.toml", BASE).expect("base parses");
    let pack = Registry::new().load("benxi-2019").unwrap();
    assert!(engine::validate(&f, &pack).is_empty());
}

// --------------------------------------------------------------------------------- syntax

#[test]
fn malformed_toml_names_the_line() {
    let text = replace_once(BASE, "wage_total = 12_600_000", "wage_total = = 12_600_000");
    let e = errors("syntax.toml", &text);
    assert_eq!(e.len(), 1);
    // the second `=`
    let (line, _) = pos_of(&text, "wage_total = = ");
    assert_at(&e[0], (line, 14));
    assert!(e[0].message.en.contains("TOML"), "{}", e[0].message.en);
    assert!(e[0].message.zh.contains("TOML"), "{}", e[0].message.zh);
}

#[test]
fn malformed_toml_unclosed_string() {
    let text = replace_once(
        BASE,
        "ownership = \"wholly_owned\"",
        "ownership = \"wholly_owned",
    );
    let e = errors("unclosed.toml", &text);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, Some(pos_of(&text, "ownership = ").0));
    assert!(e[0].column.is_some());
}

#[test]
fn empty_file() {
    for text in ["", "   \n\n  \n"] {
        let e = errors("empty.toml", text);
        assert_eq!(e.len(), 1);
        assert_at(&e[0], (1, 1));
        assert!(e[0].message.en.contains("empty"), "{}", e[0].message.en);
    }
    let e = errors("empty.json", "");
    assert!(e[0].message.en.contains("empty"));
}

// ----------------------------------------------------------------------------- wrong type

#[test]
fn wrong_type_bool_for_amount() {
    let text = replace_once(BASE, "wage_total = 12_600_000", "wage_total = true");
    let e = errors("bool.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "budget.wage_total");
    let (line, col) = pos_of(&text, "wage_total = true");
    assert_at(d, (line, col + "wage_total = ".len()));
    assert!(d.message.en.contains("found true"), "{}", d.message.en);
    assert!(d.message.en.contains("amount"), "{}", d.message.en);
    assert!(d.message.zh.contains("true"), "{}", d.message.zh);
}

#[test]
fn wrong_type_string_for_bool_and_number_for_enum() {
    let text = replace_once(
        BASE,
        "governance_sound = true",
        "governance_sound = \"yes\"",
    );
    let text = replace_once(&text, "category = \"competitive\"", "category = 3");
    let e = errors("types.toml", &text);
    assert_eq!(e.len(), 2, "{e:#?}");
    let d = error_for(&e, "governance.governance_sound");
    let (l, c) = pos_of(&text, "governance_sound = ");
    assert_at(d, (l, c + "governance_sound = ".len()));
    let d = error_for(&e, "enterprise.category");
    let (l, c) = pos_of(&text, "category = 3");
    assert_at(d, (l, c + "category = ".len()));
    // errors are sorted by position: category (enterprise) comes first
    assert_eq!(e[0].field.as_deref(), Some("enterprise.category"));
}

#[test]
fn misspelt_enum_value_suggests() {
    let text = replace_once(
        BASE,
        "category = \"competitive\"",
        "category = \"competetive\"",
    );
    let e = errors("enum.toml", &text);
    let d = error_for(&e, "enterprise.category");
    let (l, c) = pos_of(&text, "category = \"competetive\"");
    assert_at(d, (l, c + "category = ".len()));
    assert!(d.message.en.contains("competitive"), "{}", d.message.en);
}

// ---------------------------------------------------------------- unknown / missing fields

#[test]
fn misspelt_field_did_you_mean() {
    let text = replace_once(BASE, "wage_total = 12_600_000", "wage_totl = 12_600_000");
    let e = errors("typo.toml", &text);
    let d = error_for(&e, "budget.wage_totl");
    assert_at(d, pos_of(&text, "wage_totl"));
    assert!(
        d.message.en.contains("did you mean `wage_total`"),
        "{}",
        d.message.en
    );
    assert!(d.message.zh.contains("wage_total"), "{}", d.message.zh);
    // and the real field is then missing
    let m = error_for(&e, "budget.wage_total");
    assert!(m.message.en.contains("missing"), "{}", m.message.en);
}

#[test]
fn unknown_table_and_indicator_field() {
    let text = replace_once(BASE, "[labor_cost]", "[labour_cost]");
    let e = errors("table.toml", &text);
    let d = error_for(&e, "labour_cost");
    assert_at(d, pos_of(&text, "labour_cost]"));
    assert!(d.message.en.contains("labor_cost"), "{}", d.message.en);

    let text = replace_once(BASE, "weight = \"40%\"", "wieght = \"40%\"");
    let e = errors("indfield.toml", &text);
    let d = error_for(&e, "indicator.2.wieght");
    assert_at(d, pos_of(&text, "wieght"));
    assert!(d.message.en.contains("`weight`"), "{}", d.message.en);
}

#[test]
fn missing_required_field() {
    let text = replace_once(BASE, "wage_total = 12_600_000\n", "");
    let e = errors("missing.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "budget.wage_total");
    assert!(d.message.en.contains("missing"), "{}", d.message.en);
    assert!(d.line.is_some() && d.column.is_some());
}

#[test]
fn missing_required_field_points_at_its_table() {
    let text = replace_once(BASE, "wage_total = 12_600_000\n", "");
    let e = errors("missing.toml", &text);
    let d = error_for(&e, "budget.wage_total");
    assert_eq!(d.line, Some(pos_of(&text, "[budget]").0), "{d:#?}");
}

#[test]
fn missing_execution_in_annual_return() {
    let text = replace_once(BASE, "kind = \"budget\"", "kind = \"annual_return\"");
    let e = errors("noexec.toml", &text);
    let d = error_for(&e, "execution");
    assert!(d.line.is_some());
}

// ----------------------------------------------------------------------------- credit code

#[test]
fn credit_code_wrong_check_character() {
    let text = replace_once(BASE, "91210500MA0YB12383", "91210500MA0YB12384");
    let e = errors("cc.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "enterprise.credit_code");
    let (l, c) = pos_of(&text, "credit_code = ");
    assert_at(d, (l, c + "credit_code = ".len()));
    assert!(d.message.en.contains("18"), "{}", d.message.en);
    assert!(d.message.en.contains('3'), "{}", d.message.en);
}

#[test]
fn credit_code_wrong_organization_code_digit() {
    // 91210500MA0YB1237 + '0' has a correct GB 32100 check character (position 18), but the
    // GB 11714 check digit of MA0YB123 is 8, not 7 (position 17).
    let text = replace_once(BASE, "91210500MA0YB12383", "91210500MA0YB12370");
    let e = errors("org.toml", &text);
    let d = error_for(&e, "enterprise.credit_code");
    let (l, c) = pos_of(&text, "credit_code = ");
    assert_at(d, (l, c + "credit_code = ".len()));
    assert!(d.message.en.contains("17"), "{}", d.message.en);
}

#[test]
fn credit_code_wrong_length() {
    let text = replace_once(BASE, "91210500MA0YB12383", "91210500MA0YB1238");
    let e = errors("len.toml", &text);
    error_for(&e, "enterprise.credit_code");
}

// -------------------------------------------------------------------------------- numbers

#[test]
fn percent_strings_that_are_not_numbers() {
    for bad in [
        "六十%", "7 %", "60%%", "%", "sixty", "0.6.0", "60 %", " 60%", "1,5",
    ] {
        let to = format!("weight = \"{bad}\"");
        let text = replace_once(BASE, "weight = \"60%\"", &to);
        let e = errors("pct.toml", &text);
        assert_eq!(e.len(), 1, "{bad}: {e:#?}");
        let d = error_for(&e, "indicator.1.weight");
        let (l, c) = pos_of(&text, &to);
        assert_at(d, (l, c + "weight = ".len()));
        assert!(d.message.en.contains("percent"), "{bad}: {}", d.message.en);
    }
}

#[test]
fn weights_that_do_not_parse() {
    for bad in ["[0.4]", "true", "{ value = 0.4 }", "2024-01-01"] {
        let to = format!("weight = {bad}");
        let text = replace_once(BASE, "weight = \"40%\"", &to);
        let e = errors("w.toml", &text);
        let d = error_for(&e, "indicator.2.weight");
        let (l, c) = pos_of(&text, &to);
        assert_at(d, (l, c + "weight = ".len()));
    }
}

#[test]
fn negative_headcount() {
    let text = replace_once(BASE, "average_headcount = 250", "average_headcount = -250");
    let e = errors("neg.toml", &text);
    let d = error_for(&e, "budget.average_headcount");
    let (l, c) = pos_of(&text, "average_headcount = -250");
    assert_at(d, (l, c + "average_headcount = ".len()));
    assert!(d.message.en.contains("-250"), "{}", d.message.en);
    // zero is not a headcount either
    let text = replace_once(BASE, "average_headcount = 248", "average_headcount = 0");
    let e = errors("zero.toml", &text);
    error_for(&e, "prior.average_headcount");
}

#[test]
fn negative_amount() {
    let text = replace_once(BASE, "wage_total = 12_000_000", "wage_total = -12_000_000");
    let e = errors("negamount.toml", &text);
    let d = error_for(&e, "prior.wage_total");
    let (l, c) = pos_of(&text, "wage_total = -12_000_000");
    assert_at(d, (l, c + "wage_total = ".len()));
}

#[test]
fn forty_digit_number_is_refused_not_rounded() {
    let forty = "1234567890123456789012345678901234567890";
    for value in [forty.to_string(), format!("\"{forty}\"")] {
        let to = format!("wage_total = {value}");
        let text = replace_once(BASE, "wage_total = 12_600_000", &to);
        let e = errors("big.toml", &text);
        assert_eq!(e.len(), 1, "{e:#?}");
        let d = error_for(&e, "budget.wage_total");
        let (l, c) = pos_of(&text, &to);
        assert_at(d, (l, c + "wage_total = ".len()));
        assert!(d.message.en.contains("not rounded"), "{}", d.message.en);
        assert!(d.message.zh.contains("不作舍入"), "{}", d.message.zh);
    }
    // 40 significant digits after the point: also refused
    let text = replace_once(
        BASE,
        "hq_average_wage_growth = \"3%\"",
        "hq_average_wage_growth = \"0.0300000000000000000000000000000000000001\"",
    );
    let e = errors("frac.toml", &text);
    let d = error_for(&e, "budget.hq_average_wage_growth");
    assert!(d.message.en.contains("not rounded"), "{}", d.message.en);
}

#[test]
fn twenty_eight_digits_are_kept_exactly() {
    // 28 significant digits fit: accepted as written
    let text = replace_once(
        BASE,
        "hq_average_wage_growth = \"3%\"",
        "hq_average_wage_growth = \"0.0300000000000000000000000001\"",
    );
    let f = filing::parse_str("ok.toml", &text).expect("28 digits parse");
    assert_eq!(
        f.get("budget.hq_average_wage_growth")
            .num()
            .unwrap()
            .to_string(),
        "0.0300000000000000000000000001"
    );
}

// ---------------------------------------------------------------------------------- dates

#[test]
fn impossible_date_as_string() {
    let text = annual_return("\"2025-02-30\"");
    let e = errors("date.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "execution.report_filed_on");
    let (l, c) = pos_of(&text, "report_filed_on = ");
    assert_at(d, (l, c + "report_filed_on = ".len()));
    assert!(d.message.en.contains("2025-02-30"), "{}", d.message.en);
}

#[test]
fn impossible_date_as_toml_date_names_the_line() {
    // TOML's own date type rejects 2025-02-30 while parsing; the error still has the position.
    let text = annual_return("2025-02-30");
    let e = errors("date.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let (l, c) = pos_of(&text, "report_filed_on = ");
    assert_at(&e[0], (l, c + "report_filed_on = ".len()));
}

#[test]
fn impossible_date_as_toml_date_names_the_field() {
    let text = annual_return("2025-02-30");
    let e = errors("date.toml", &text);
    assert_eq!(e[0].field.as_deref(), Some("execution.report_filed_on"));
}

#[test]
fn date_with_time_is_refused() {
    let text = annual_return("2025-07-20T10:00:00");
    let e = errors("datetime.toml", &text);
    error_for(&e, "execution.report_filed_on");
}

// ----------------------------------------------------------------------------------- JSON

const JSON: &str = r#"{
  "schema": "wagecheck/filing/v1",
  "kind": "budget",
  "enterprise": {"name": "本溪某公司", "category": "competitive", "ownership": "wholly_owned", "jurisdiction": "benxi"},
  "budget": {"year": 2024, "wage_total": 12600000, "average_headcount": 250},
  "prior": {"wage_total": 12000000, "average_headcount": 248},
  "indicator": [
    {"id": "profit_total", "weight": "60%", "prior": 30000000, "budget": 33000000},
    {"id": "roe", "weight": "40%", "prior": "8.0%", "budget": "8.4%"}
  ]
}"#;

#[test]
fn json_parses() {
    filing::parse_str("ok.json", JSON).expect("JSON filing parses");
}

#[test]
fn json_wrong_type_has_line_and_column() {
    let text = replace_once(JSON, "\"wage_total\": 12600000", "\"wage_total\": \"lots\"");
    let e = errors("bad.json", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "budget.wage_total");
    assert_at(d, pos_of(&text, "\"lots\""));

    let text = replace_once(
        JSON,
        "\"average_headcount\": 248",
        "\"average_headcount\": true",
    );
    let e = errors("bad.json", &text);
    let d = error_for(&e, "prior.average_headcount");
    assert_at(d, pos_of(&text, "true"));

    let text = replace_once(JSON, "\"weight\": \"40%\"", "\"weight\": [1]");
    let e = errors("bad.json", &text);
    let d = error_for(&e, "indicator.2.weight");
    assert_at(d, pos_of(&text, "[1]"));
}

#[test]
fn json_unknown_field_and_syntax() {
    let text = replace_once(JSON, "\"wage_total\": 12600000", "\"wage_totl\": 12600000");
    let e = errors("typo.json", &text);
    let d = error_for(&e, "budget.wage_totl");
    assert_at(d, pos_of(&text, "\"wage_totl\""));
    assert!(d.message.en.contains("wage_total"), "{}", d.message.en);

    let e = errors("syntax.json", "{\n  \"schema\": \n}");
    assert_eq!(e[0].line, Some(3));
    assert!(e[0].message.en.contains("JSON"), "{}", e[0].message.en);
}

// ------------------------------------------------------------------------ pack catalog check

#[test]
fn indicator_not_in_catalog_is_a_validation_error() {
    let text = replace_once(BASE, "id = \"roe\"", "id = \"roa\"");
    let f = filing::parse_str("cat.toml", &text).expect("parses: the catalog is the pack's");
    let pack = Registry::new().load("benxi-2019").unwrap();
    let e = engine::validate(&f, &pack);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = error_for(&e, "indicator.2.id");
    assert_eq!(d.file, "cat.toml");
    let (l, c) = pos_of(&text, "id = \"roa\"");
    assert_at(d, (l, c + "id = ".len()));
    assert!(d.message.en.contains("\"roe\""), "{}", d.message.en);
    assert!(d.message.en.contains("benxi-2019"), "{}", d.message.en);
    assert_bilingual(d);
}

#[test]
fn duplicate_indicator_is_a_validation_error() {
    let text = replace_once(BASE, "id = \"roe\"", "id = \"profit_total\"");
    let f = filing::parse_str("dup.toml", &text).expect("parses");
    let pack = Registry::new().load("benxi-2019").unwrap();
    let e = engine::validate(&f, &pack);
    let d = error_for(&e, "indicator.2.id");
    assert!(d.line.is_some());
    assert_bilingual(d);
}

// ------------------------------------------------------------------------------- bad packs

const CHILD: &str = r#"[pack]
id = "bad-child"
title = { zh = "坏的规则包", en = "bad pack" }
document = "test"
jurisdiction = "test"
extends = "benxi-2019"
effective_from = 2019-01-01

[[rule]]
id = "test.x"
new = true
clause = "x"
title = { zh = "测试", en = "test" }
when = "efficiency_growth > 0"
bound = "0.5 * efficiency_growth"
message = { zh = "测试", en = "test" }
"#;

fn pack_errors(file: &str, text: &str) -> Vec<Diagnostic> {
    match Registry::compile_text(file, text, None) {
        Ok(_) => panic!("{file} should not compile"),
        Err(e) => {
            assert!(!e.is_empty());
            for d in &e {
                assert_bilingual(d);
            }
            e
        }
    }
}

#[test]
fn good_child_pack_compiles() {
    Registry::compile_text("good.toml", CHILD, None).expect("the unbroken child compiles");
}

#[test]
fn pack_unknown_name_in_expression() {
    let text = replace_once(CHILD, "0.5 * efficiency_growth", "0.5 * efficency_growth");
    let e = pack_errors("bad-name.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &e[0];
    assert_eq!(d.file, "bad-name.toml");
    assert_eq!(d.field.as_deref(), Some("rule.test.x.bound"));
    // the expression's string: line of `bound`, column after `bound = "`
    let (l, c) = pos_of(&text, "bound = ");
    assert_eq!(d.line, Some(l));
    let col = d.column.expect("column");
    let expr_start = c + "bound = \"".len();
    let name_col = expr_start + "0.5 * ".len();
    // the column of the unknown name inside the expression string
    assert_eq!(col, name_col, "expression starts at column {expr_start}");
    assert!(
        d.message.en.contains("efficency_growth"),
        "{}",
        d.message.en
    );
    assert!(
        d.message.en.contains("did you mean `efficiency_growth`"),
        "{}",
        d.message.en
    );
}

#[test]
fn pack_type_error_in_expression() {
    let text = replace_once(
        CHILD,
        "0.5 * efficiency_growth",
        "enterprise.category * 0.5",
    );
    let e = pack_errors("bad-type.toml", &text);
    assert_eq!(e.len(), 1, "{e:#?}");
    let d = &e[0];
    assert_eq!(d.file, "bad-type.toml");
    assert_eq!(d.field.as_deref(), Some("rule.test.x.bound"));
    let (l, c) = pos_of(&text, "bound = ");
    assert_eq!(d.line, Some(l));
    assert_eq!(d.column, Some(c + "bound = \"".len()));
    assert!(d.message.en.contains("type"), "{}", d.message.en);

    // a condition that is not a condition
    let text = replace_once(CHILD, "efficiency_growth > 0", "efficiency_growth + 1");
    let e = pack_errors("bad-when.toml", &text);
    let d = &e[0];
    assert_eq!(d.field.as_deref(), Some("rule.test.x.when"));
    let (l, c) = pos_of(&text, "when = ");
    assert_eq!((d.line, d.column), (Some(l), Some(c + "when = \"".len())));
}

#[test]
fn pack_unknown_name_in_a_quantity_and_a_message() {
    let text = format!(
        "{CHILD}\n[quantities]\nhalf = {{ expr = \"wage_grwth / 2\", zh = \"半\", en = \"half\" }}\n"
    );
    let e = pack_errors("bad-q.toml", &text);
    let d = e
        .iter()
        .find(|d| d.message.en.contains("wage_grwth"))
        .unwrap_or_else(|| panic!("{e:#?}"));
    assert_eq!(d.file, "bad-q.toml");
    assert_eq!(d.line, Some(pos_of(&text, "half = ").0));
    assert!(
        d.field.as_deref().is_some_and(|f| f.contains("half")),
        "{d:#?}"
    );

    let text = replace_once(
        CHILD,
        "message = { zh = \"测试\", en = \"test\" }",
        "message = { zh = \"测试\", en = \"growth {wage_grwth:%}\" }",
    );
    let e = pack_errors("bad-msg.toml", &text);
    assert!(
        e.iter().any(|d| d.message.en.contains("wage_grwth")
            && d.line == Some(pos_of(&text, "message = ").0)),
        "{e:#?}"
    );
}

#[test]
fn pack_errors_name_the_child_file_not_the_parent() {
    // a child overriding a parent rule's bound with a broken expression
    let text = format!(
        "{CHILD}\n[[rule]]\nid = \"linkage.growth_cap\"\nbound = \"efficiency_growth * restricted_cap_ratoi\"\n"
    );
    let e = pack_errors("bad-override.toml", &text);
    let d = e
        .iter()
        .find(|d| d.message.en.contains("restricted_cap_ratoi"))
        .unwrap_or_else(|| panic!("{e:#?}"));
    assert_eq!(d.file, "bad-override.toml");
    assert_eq!(d.field.as_deref(), Some("rule.linkage.growth_cap.bound"));
    assert_eq!(
        d.line,
        Some(pos_of(&text, "bound = \"efficiency_growth * restricted").0)
    );
}

#[test]
fn pack_toml_syntax_error() {
    let text = replace_once(CHILD, "clause = \"x\"", "clause = \"x");
    let e = pack_errors("syntax-pack.toml", &text);
    assert_eq!(e[0].file, "syntax-pack.toml");
    assert_eq!(e[0].line, Some(pos_of(&text, "clause = ").0));
}

#[test]
fn pack_missing_parent() {
    let text = replace_once(
        CHILD,
        "extends = \"benxi-2019\"",
        "extends = \"nowhere-2030\"",
    );
    let e = pack_errors("orphan.toml", &text);
    let d = &e[0];
    assert_eq!(d.field.as_deref(), Some("pack.extends"));
    assert_eq!(d.line, Some(pos_of(&text, "extends = ").0));
    assert!(d.message.en.contains("nowhere-2030"), "{}", d.message.en);
}

#[test]
fn unknown_pack_id() {
    let e = match Registry::new().load("no-such-pack") {
        Ok(_) => panic!("no-such-pack loads"),
        Err(e) => e,
    };
    assert!(
        e[0].message.en.contains("no-such-pack"),
        "{}",
        e[0].message.en
    );
    assert_bilingual(&e[0]);
}
