//! The evaluation `batch` runs (no trace, one language, only the printed rule's message: what
//! the table, Markdown and JUnit formats ask for) agrees with the reference evaluation (every
//! expression traced by the tree-walker, every message in both languages) on random filings,
//! for every built-in pack and every example pack: verdict, quantities, cap, regime, every
//! rule's status, bound, allowed total, triggers and unknowns, clearing, and the printed
//! rule's message, word for word.

#[path = "common/gen.rs"]
mod generator;

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use wagecheck::check::{CheckOptions, Checker};
use wagecheck::diag::Lang;
use wagecheck::engine::{Evaluation, Messages};
use wagecheck::filing::Filing;
use wagecheck::filing::read::{self, Item};
use wagecheck::pack::{Pack, Registry};
use wagecheck::report::{PackRef, Report};

const DAY: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a date");

struct Setup {
    checker: Checker,
    packs: Vec<(Arc<Pack>, Arc<PackRef>)>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let registry = Arc::new(Registry::new());
        let mut specs: Vec<String> = registry.infos().iter().map(|i| i.id.clone()).collect();
        for e in std::fs::read_dir("rules/examples").expect("rules/examples") {
            let p = e.expect("an entry").path();
            if p.extension().is_some_and(|x| x == "toml") {
                specs.push(p.to_string_lossy().into_owned());
            }
        }
        assert!(specs.len() >= 4, "built-in and example packs: {specs:?}");
        let packs = specs
            .iter()
            .map(|s| {
                let p = registry
                    .load(s)
                    .unwrap_or_else(|e| panic!("pack {s}: {e:?}"));
                let r = Arc::new(PackRef::new(&p));
                (p, r)
            })
            .collect();
        Setup {
            checker: Checker::new(registry),
            packs,
        }
    })
}

fn filings(n: usize, seed: u64) -> Vec<Filing> {
    let csv = generator::csv(n, seed);
    let mut out = Vec::new();
    read::for_each_csv("gen.csv", csv.as_bytes(), |raw| {
        if let Some(Item::Filing { filing, .. }) = raw.into_item() {
            out.push(filing);
        }
    });
    out
}

fn report(s: &Setup, f: &Filing, pack: usize, opts: CheckOptions) -> Report {
    let (p, r) = &s.packs[pack];
    s.checker.evaluate(f, p, r.clone(), &opts)
}

/// Every decided value of an evaluation, messages aside, as text.
fn decided(ev: &Evaluation) -> String {
    let rules: Vec<String> = ev
        .rules
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                r.id,
                r.clause,
                r.title,
                r.status,
                r.strict,
                r.bound,
                r.allowed_total,
                r.undecided_bound,
                r.triggers,
                r.unknown,
                r.layers
            )
        })
        .collect();
    format!(
        "{:?} {:?}\nquantities {:?}\ncap {:?} {:?}\nregime {:?}\nclearing {:?}\n{}",
        ev.kind,
        ev.verdict,
        ev.quantities,
        ev.cap,
        ev.cap_unknown,
        ev.regime,
        ev.clearing,
        rules.join("\n")
    )
}

fn check_one(f: &Filing, pack: usize, lang: Lang) -> Result<(), TestCaseError> {
    let s = setup();
    let mut reference = CheckOptions::on(DAY);
    reference.trace = true;
    let full = report(s, f, pack, reference);
    let mut fast = CheckOptions::on(DAY);
    fast.lang = Some(lang);
    fast.messages = Messages::Main;
    let quick = report(s, f, pack, fast);
    prop_assert_eq!(full.verdict, quick.verdict);
    prop_assert_eq!(full.main_reason(lang), quick.main_reason(lang));
    prop_assert_eq!(full.errors.len(), quick.errors.len());
    let (Some(a), Some(b)) = (&full.eval, &quick.eval) else {
        prop_assert!(full.eval.is_none() && quick.eval.is_none());
        return Ok(());
    };
    prop_assert_eq!(decided(a), decided(b));
    // Every message is written for the reference, in both languages.
    for r in &a.rules {
        prop_assert!(
            !r.message.zh.is_empty() && !r.message.en.is_empty(),
            "{:?}",
            r
        );
    }
    // Messages::All in one language gives the reference's messages in that language.
    let mut one = CheckOptions::on(DAY);
    one.lang = Some(lang);
    let one = report(s, f, pack, one);
    let c = one.eval.as_ref().expect("evaluated as before");
    prop_assert_eq!(decided(a), decided(c));
    for (x, y) in a.rules.iter().zip(&c.rules) {
        prop_assert_eq!(x.message.get(lang), y.message.get(lang));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_batch_evaluation_agrees_with_the_reference(seed in any::<u64>(), zh in any::<bool>()) {
        let lang = if zh { Lang::Zh } else { Lang::En };
        let s = setup();
        for f in filings(6, seed) {
            for pack in 0..s.packs.len() {
                check_one(&f, pack, lang)?;
            }
        }
    }
}

/// The generator's first rows: every pack, both languages (a fixed, larger sample).
#[test]
fn a_fixed_sample_agrees_in_both_languages() {
    let s = setup();
    for f in filings(200, 20261130) {
        for pack in 0..s.packs.len() {
            for lang in [Lang::Zh, Lang::En] {
                check_one(&f, pack, lang).unwrap_or_else(|e| panic!("{}: {e}", f.source));
            }
        }
    }
}

/// A rule whose message reads the cleared total but whose check does not is decided, and its
/// message written, before the cleared total is known (as the reference always did): the
/// message says "unknown" whichever messages are asked for.
#[test]
fn a_message_reading_the_cleared_total_is_written_when_the_rule_is_decided() {
    let text = r#"[pack]
id = "national-test-child"
title = { zh = "测试子规则包", en = "test child pack" }
document = "test"
jurisdiction = "national-test"
extends = "national-2018"
effective_from = 2019-01-01

[[rule]]
id = "test.cleared_in_message"
new = true
clause = "test"
title = { zh = "测试", en = "test" }
applies_to = ["annual_return"]
require = "execution.actual_wage_total >= 0"
message = { zh = "清算 {cleared_wage_total:¥}", en = "cleared {cleared_wage_total:¥}" }
"#;
    let pack = Registry::compile_text("national-test-child.toml", text, None)
        .unwrap_or_else(|e| panic!("child pack: {e:#?}"));
    let pack_ref = Arc::new(PackRef::new(&pack));
    let f = read::read_file(std::path::Path::new("samples/08-annual-return.toml"))
        .expect("sample 08 reads");
    let checker = &setup().checker;
    for (lang, messages) in [
        (None, Messages::All),
        (Some(Lang::En), Messages::All),
        (Some(Lang::En), Messages::Main),
    ] {
        let mut o = CheckOptions::on(DAY);
        o.lang = lang;
        o.messages = messages;
        let r = checker.evaluate(&f, &pack, pack_ref.clone(), &o);
        let ev = r.eval.as_ref().expect("evaluated");
        let rule = ev.rule("test.cleared_in_message").expect("the rule");
        let cleared = ev.clearing.as_ref().and_then(|c| c.cleared_wage_total);
        assert!(
            cleared.is_some(),
            "the sample is cleared: {:?}",
            ev.clearing
        );
        if messages == Messages::All {
            assert_eq!(rule.message.en, "cleared unknown");
        }
        // The clearing rule reads the cleared total in its check: evaluated again, it names it.
        if let Some(c) = ev.rule("execution.clearing")
            && !c.message.en.is_empty()
        {
            assert!(!c.message.en.contains("unknown"), "{}", c.message.en);
        }
    }
}
