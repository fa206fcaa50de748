//! Pack authoring that cannot mislead its author (issue 14): the cap is present wherever the
//! binding bound is decided, child rules must say `new = true`, a filing kind the pack has no
//! rule for is never `pass`, new rules sit next to the rule they refine, and inherited clauses
//! cite their document.

use rust_decimal_macros::dec;
use wagecheck::engine::{self, Evaluation, Options, Verdict};
use wagecheck::filing;
use wagecheck::pack::{Pack, Registry, Status};

const SAMPLE_06: &str = include_str!("../samples/06-missing-data.toml");
const SAMPLE_08: &str = include_str!("../samples/08-annual-return.toml");

fn evaluate(pack: &Pack, text: &str) -> Evaluation {
    let f = filing::parse_str("t.toml", text).expect("filing parses");
    assert!(engine::validate(&f, pack).is_empty());
    engine::evaluate(&f, pack, Options { trace: false })
}

fn builtin(id: &str) -> std::sync::Arc<Pack> {
    Registry::new().load(id).expect("built-in pack")
}

fn status(ev: &Evaluation, id: &str) -> Status {
    ev.rules
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
        .status
}

/// Sample 06 (no productivity or labour-cost data) with the asset preservation ratio at 98%.
fn not_preserved_without_productivity() -> String {
    SAMPLE_06.replace(
        "asset_preservation_ratio = \"101.5%\"",
        "asset_preservation_ratio = \"98%\"",
    )
}

#[test]
fn an_undecided_rule_whose_bound_cannot_bind_does_not_hold_the_cap_back() {
    // linkage.restricted_growth cannot be decided (no productivity data), but its bound
    // (70% of 5% under Benxi, 5% nationally) is looser than the asset-preservation bound 0.
    let text = not_preserved_without_productivity();
    for (pack, bound) in [("benxi-2019", "3.5%"), ("national-2018", "5%")] {
        let ev = evaluate(&builtin(pack), &text);
        assert_eq!(ev.verdict, Verdict::Fail, "{pack}");
        assert_eq!(status(&ev, "linkage.restricted_growth"), Status::Review);
        let cap = ev.cap.as_ref().unwrap_or_else(|| panic!("{pack}: a cap"));
        assert_eq!(cap.binding_rule, "linkage.asset_preservation");
        assert_eq!(cap.wage_growth, dec!(0));
        assert_eq!(cap.max_wage_total, dec!(23400000.00));
        assert_eq!(cap.excess, Some(dec!(936000.00)));
        assert_eq!(cap.undecided, vec!["linkage.restricted_growth".to_string()]);
        let note = &ev.cap_unknown.en;
        assert!(
            note.contains("cannot change it") && note.contains(&format!("({bound})")),
            "{note}"
        );
    }
}

#[test]
fn an_undecided_rule_that_could_bind_tighter_still_holds_the_cap_back() {
    // Sample 06 as it is: the restricted bound (3.5%) would be tighter than efficiency growth.
    let ev = evaluate(&builtin("benxi-2019"), SAMPLE_06);
    assert!(ev.cap.is_none());
    assert!(
        ev.cap_unknown.en.contains("linkage.restricted_growth"),
        "{}",
        ev.cap_unknown.en
    );
}

/// The outside author's province: a two-tier capital preservation rule extending national-2018.
const TWO_TIER: &str = r#"[pack]
id = "tiers-2020"
title = { zh = "两档保值增值", en = "Two-tier preservation" }
document = "某政发〔2020〕1号"
jurisdiction = "tiers"
extends = "national-2018"
effective_from = 2020-01-01

[params]
lower_tier_ratio = { value = "95%", source = "二(三)3", zh = "下档", en = "lower tier" }
lower_tier_decline = { value = "-5%", source = "二(三)3", zh = "下档降幅", en = "lower-tier decline" }

[[rule]]
id = "linkage.asset_preservation_lower_tier"
new = true
after = "linkage.asset_preservation"
clause = "二(三)3"
title = { zh = "保值增值率低于下档", en = "Preservation below the lower tier" }
when = "prior.asset_preservation_ratio < lower_tier_ratio"
bound = "lower_tier_decline"
message = { zh = "工资总额增幅 {wage_growth:%} 不得超过 {bound:%}", en = "wage growth {wage_growth:%} may not exceed {bound:%}" }
"#;

#[test]
fn a_child_s_new_rule_binds_with_the_cap_present_and_sits_after_the_rule_it_refines() {
    let pack = Registry::compile_text("tiers.toml", TWO_TIER, None).expect("compiles");
    let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    let at = ids
        .iter()
        .position(|i| *i == "linkage.asset_preservation")
        .expect("inherited");
    assert_eq!(ids[at + 1], "linkage.asset_preservation_lower_tier");
    let text = not_preserved_without_productivity().replace("98%", "90%");
    let ev = evaluate(&pack, &text);
    let cap = ev.cap.as_ref().expect("the cap is decided");
    assert_eq!(cap.binding_rule, "linkage.asset_preservation_lower_tier");
    assert_eq!(cap.wage_growth, dec!(-0.05));
    assert_eq!(cap.undecided, vec!["linkage.restricted_growth".to_string()]);
    // The new rule's clause is the child's own text; an inherited one cites its document.
    let clause = |id: &str| {
        ev.rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.clause.clone())
            .expect("rule")
    };
    assert_eq!(clause("linkage.asset_preservation_lower_tier"), "二(三)3");
    assert_eq!(
        clause("linkage.asset_preservation"),
        "国发〔2018〕16号 二(三)3"
    );
}

#[test]
fn new_and_after_are_checked() {
    let bad = TWO_TIER
        .replace(
            "id = \"linkage.asset_preservation_lower_tier\"\nnew = true\nafter = \"linkage.asset_preservation\"",
            "id = \"linkage.asset_preservation_lower_tier\"\nnew = true\nafter = \"linkage.asset_preservaton\"",
        )
        + "\n[[rule]]\nid = \"linkage.decline\"\nnew = true\nclause = \"x\"\nbound = \"0\"\nmessage = { zh = \"x\", en = \"x\" }\n";
    let errors = Registry::compile_text("tiers.toml", &bad, None).expect_err("errors");
    let fields: Vec<(&str, &str)> = errors
        .iter()
        .map(|d| (d.field.as_deref().unwrap_or(""), d.message.en.as_str()))
        .collect();
    assert!(
        fields.iter().any(
            |(f, m)| *f == "rule.linkage.asset_preservation_lower_tier.after"
                && m.contains("did you mean `linkage.asset_preservation`")
        ),
        "{fields:?}"
    );
    assert!(
        fields.iter().any(|(f, m)| *f == "rule.linkage.decline.new"
            && m.contains("already has rule `linkage.decline`")),
        "{fields:?}"
    );
    for d in &errors {
        assert!(d.line.is_some() && d.column.is_some(), "{d:?}");
    }
}

#[test]
fn clauses_cite_the_document_they_are_in() {
    let benxi = builtin("benxi-2019");
    let national = builtin("national-2018");
    let sanming = Registry::new()
        .load(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/rules/examples/sanming-2019.toml"
        ))
        .expect("the example pack");
    let clause = |p: &Pack, id: &str| p.rule(id).expect("rule").clause.clone();
    // A pack's own clauses are cited bare (its document heads the report)…
    assert_eq!(clause(&national, "linkage.growth_cap"), "二(三)1");
    // …Benxi restates every national provision under its own numbers…
    assert_eq!(clause(&benxi, "linkage.growth_cap"), "二(三)1");
    assert_eq!(clause(&benxi, "linkage.restricted_growth"), "二(三)1 其中");
    assert_eq!(clause(&benxi, "execution.clearing"), "三(八), 五(十六)");
    // …and a child that does not cites the document its clauses are in.
    assert_eq!(
        clause(&sanming, "linkage.growth_cap"),
        "本政发〔2019〕5号 二(三)1"
    );
    assert_eq!(
        clause(&sanming, "linkage.restricted_growth"),
        "本政发〔2019〕5号 二(三)1 其中"
    );
    // Every Benxi rule cites Benxi's own text.
    for r in &benxi.rules {
        assert!(!r.clause.contains('〔'), "{}: {}", r.id, r.clause);
    }
}

#[test]
fn an_annual_return_under_a_pack_without_annual_return_rules_is_never_pass() {
    // The issue's case: a return that paid 2,946,468.00 more than approved.
    // Approved 9,603,532.00, paid 12,550,000.00: within the cleared total, over the approved.
    let overpaid = SAMPLE_08.replace(
        "approved_wage_total = 12_600_000",
        "approved_wage_total = 9_603_532",
    );
    // national-2018 now checks execution as approved and the clearing (国发〔2018〕16号).
    let ev = evaluate(&builtin("national-2018"), &overpaid);
    assert_eq!(ev.verdict, Verdict::Fail);
    assert_eq!(status(&ev, "execution.within_budget"), Status::Fail);
    assert_eq!(status(&ev, "execution.clearing"), Status::Pass);
    assert_eq!(status(&ev, "linkage.growth_cap"), Status::Pass);
    // A pack that switches both off has no rule for annual returns: review, not pass.
    let child = r#"[pack]
id = "no-annual"
title = { zh = "无年度规则", en = "no annual rules" }
document = "x"
jurisdiction = "x"
extends = "national-2018"
effective_from = 2019-01-01

[[rule]]
id = "execution.within_budget"
off = "checked by another body"

[[rule]]
id = "execution.clearing"
off = "checked by another body"
"#;
    let pack = Registry::compile_text("no-annual.toml", child, None).expect("compiles");
    let ev = evaluate(&pack, &overpaid);
    assert_eq!(ev.verdict, Verdict::Review);
    let entry = ev
        .rules
        .iter()
        .find(|r| r.id == engine::NO_RULES_FOR_KIND)
        .expect("named");
    assert_eq!(entry.status, Status::Review);
    assert!(entry.message.en.contains("no rule for annual returns"));
    assert!(entry.message.zh.contains("年度执行情况"));
    // The amount to recover is still reported.
    let c = ev.clearing.as_ref().expect("clearing");
    assert_eq!(c.to_recover, Some(dec!(2946468.00)));
    // A budget under the same pack is unaffected.
    let ev = evaluate(&pack, SAMPLE_06);
    assert!(ev.rules.iter().all(|r| r.id != engine::NO_RULES_FOR_KIND));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("wagecheck")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_strict_cap_missed_by_a_cent_shows_the_points_it_is_over_by() {
    // Sample 03 under national-2018: strictly below 5.7867%, the largest total 13,060,084.45.
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("cent.toml");
    std::fs::write(
        &f,
        include_str!("../samples/03-restricted-70.toml")
            .replace("wage_total = 12_962_962", "wage_total = 13_060_084.46"),
    )
    .expect("write");
    let (code, out, _) = cli(&[
        "check",
        f.to_str().expect("utf-8"),
        "--rules",
        "national-2018",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "over the cap by 0.01 yuan: growth 0.000000041 percentage points above the cap"
        ),
        "{out}"
    );
}

#[test]
fn an_unknown_jurisdiction_is_reported_at_the_jurisdiction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("j.toml");
    let text = include_str!("../samples/01-pass-competitive.toml")
        .replace("jurisdiction = \"benxi\"", "jurisdiction = \"benxl\"");
    std::fs::write(&f, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.starts_with("jurisdiction"))
        .expect("line")
        + 1;
    let (code, out, _) = cli(&["check", f.to_str().expect("utf-8"), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        out.contains(&format!(
            "j.toml:{line}:16: enterprise.jurisdiction: no rule pack for jurisdiction `benxl`"
        )) && out.contains("did you mean `benxi`?"),
        "{out}"
    );
    // A known jurisdiction with no pack in force that year stays at budget.year.
    std::fs::write(
        &f,
        include_str!("../samples/01-pass-competitive.toml").replace("year = 2024", "year = 2015"),
    )
    .expect("write");
    let (code, out, _) = cli(&["check", f.to_str().expect("utf-8"), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        out.contains(": budget.year: no `benxi` rule pack is in force on 2015-01-01"),
        "{out}"
    );
}
