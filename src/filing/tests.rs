//! Decoder regressions found by the bad-input corpus and fuzzing.

use super::*;

const MINIMAL: &str = r#"{"schema": "wagecheck/filing/v1", "kind": "budget",
 "enterprise": {"name": "x", "category": "competitive", "ownership": "wholly_owned"},
 "budget": {"year": 2024, "wage_total": 1, "average_headcount": 1},
 "prior": {"wage_total": 1, "average_headcount": 1}}"#;

#[test]
fn minimal_json_decodes() {
    assert!(parse_str("m.json", MINIMAL).is_ok());
}

#[test]
fn a_key_given_twice_is_an_error_not_a_silent_choice() {
    // JSON allows a repeated key; neither value may win silently.
    let text = MINIMAL.replace(
        r#""year": 2024, "wage_total": 1,"#,
        r#""year": 2024, "wage_total": 1, "wage_total": 2,"#,
    );
    let errs = parse_str("d.json", &text).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field.as_deref(), Some("budget.wage_total"));
    assert!(errs[0].message.en.contains("duplicate field"), "{errs:?}");
    // At the second one, naming the first.
    assert_eq!((errs[0].line, errs[0].column), (Some(3), Some(44)));
    assert!(errs[0].message.en.contains("line 3, column 27"), "{errs:?}");
}

#[test]
fn a_table_given_twice_is_an_error() {
    let text = MINIMAL.replace(r#""prior": {"#, r#""budget": {"year": 2025}, "prior": {"#);
    let errs = parse_str("d.json", &text).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].field.as_deref(), Some("budget"));
}

#[test]
fn an_indicator_table_instead_of_an_array_names_the_toml_form() {
    let errs = parse_str("i.toml", "[indicator]\nid = \"roe\"\n").unwrap_err();
    let e = errs
        .iter()
        .find(|e| e.field.as_deref() == Some("indicator.id"))
        .expect("an error on indicator.id");
    assert!(e.message.en.contains("[[indicator]]"), "{e:?}");
}
