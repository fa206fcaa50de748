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

/// The typed CSV decoder ([`plan::Plan`]) against the tree decoder every row took before it:
/// for the same row, the same filing (values and positions) or the same errors, in order.
mod typed_csv {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::super::plan::Plan;
    use super::super::read::{Item, Row};
    use super::super::{Filing, columns, schema};
    use crate::input;

    /// A valid budget row (the batch sample's first), column by column.
    const BASE: &[(&str, &str)] = &[
        ("schema", "wagecheck/filing/v1"),
        ("kind", "budget"),
        ("enterprise.name", "本溪钢铁第1有限公司"),
        ("enterprise.credit_code", "91210500MA0XK7N440"),
        ("enterprise.category", "functional"),
        ("enterprise.ownership", "controlled"),
        ("enterprise.jurisdiction", "benxi"),
        ("governance.standardized_board", "true"),
        ("governance.governance_sound", "true"),
        ("governance.internal_control_sound", "true"),
        ("governance.distribution_management_standard", "true"),
        ("governance.current_regime", "filing"),
        ("governance.standard_budget_years", "4"),
        ("governance.investor_consents_filing", "true"),
        ("budget.year", "2024"),
        ("budget.requested_regime", "approval"),
        ("budget.wage_total", "92576448"),
        ("budget.average_headcount", "1042"),
        ("prior.wage_total", "87336272"),
        ("prior.average_headcount", "1042"),
        ("prior.asset_preservation_ratio", "98%"),
        ("indicator.1.id", "profit_total"),
        ("indicator.1.weight", "60%"),
        ("indicator.1.prior", "50000000"),
        ("indicator.1.budget", "56000000"),
        ("indicator.2.id", "roe"),
        ("indicator.2.weight", "40%"),
        ("indicator.2.prior", "8%"),
        ("indicator.2.budget", "8.4%"),
        ("productivity.kind", "value_added_per_capita"),
        ("productivity.prior", "359253"),
        ("productivity.budget", "352068"),
        ("labor_cost.kind", "labor_cost_profit_ratio"),
        ("labor_cost.prior", "150%"),
        ("labor_cost.industry_average", "120%"),
        ("adjustment.1.kind", "divestiture"),
        ("adjustment.1.amount", "-500000"),
        ("adjustment.1.note", "划出"),
    ];

    /// Headers besides the base's: labels, units, other fields, later items (gaps).
    const MORE: &[&str] = &[
        "工资总额（万元）",
        "预算工资总额(元)",
        "上年实际工资总额（万元）",
        "指标1 权重(%)",
        "指标3名称",
        "指标3权重",
        "indicator.3.actual",
        "indicator.1.actual",
        "adjustment.2.kind",
        "adjustment.2.amount",
        "调整3金额",
        "execution.approved_wage_total",
        "execution.actual_wage_total",
        "execution.actual_average_headcount",
        "execution.report_filed_on",
        "execution.disclosed_on",
        "execution.report_contents",
        "budget.period_years",
        "budget.period_reason",
        "budget.investor_consents_period",
        "budget.hq_average_wage_growth",
        "budget.off_budget_wage_items",
        "budget.non_operating_factors",
        "enterprise.fully_competitive",
        "企业类别",
    ];

    /// Cells as people (and hostile files) write them.
    const CELLS: &[&str] = &[
        "",
        "  ",
        "wagecheck/filing/v2",
        "annual_return",
        "竞争类",
        "compettive",
        "国有独资",
        "TRUE",
        "是",
        "否",
        "yes",
        "2024.0",
        "1948",
        "2.017e3",
        "２０２４",
        "38,500,000",
        "3850万元",
        "1690.6万",
        "1,23",
        "-5",
        "0",
        "-0",
        "+5",
        "5.",
        ".5",
        "1_000",
        "0.5",
        "7%",
        "-7%",
        "7 %",
        "103.5%",
        "1e30",
        "99999999999999999999999999999",
        "0.0000000000000000000000000001%",
        "一千万",
        "2025-07-20",
        "2025-02-30",
        "2025-07-20T10:00:00",
        "approved_total;analysis",
        "approved_total; 经审计的财务决算表",
        "approved_total;bogus",
        "2022;2023",
        "2022;abc",
        "91210500MA0XK7N441",
        "divestiture",
        "merger",
        "500000",
        "利润总额",
        "cyclical",
        "",
        "核准制",
        "x",
        "  12  ",
        "comma, \"quoted\"",
        "line\nbreak",
    ];

    fn base(path: &str) -> Option<&'static str> {
        BASE.iter().find(|(p, _)| *p == path).map(|(_, v)| *v)
    }

    /// Every position a filing can be asked for.
    fn all_positions(f: &Filing) -> Vec<(String, Option<crate::diag::Pos>)> {
        let mut paths: Vec<String> = schema::FIELDS.iter().map(|f| f.path.to_string()).collect();
        paths.extend(schema::TABLES.iter().map(|t| t.to_string()));
        for (a, specs) in schema::ARRAYS {
            for n in 0..=4 {
                paths.push(format!("{a}.{n}"));
                for s in *specs {
                    paths.push(format!("{a}.{n}.{}", s.path));
                }
            }
            paths.push(format!("{a}.01.id"));
        }
        paths.into_iter().map(|p| (p.clone(), f.pos(&p))).collect()
    }

    fn same(typed: &Item, tree: &Item) -> Result<(), String> {
        match (typed, tree) {
            (Item::Filing { filing: a, row: ra }, Item::Filing { filing: b, row: rb }) => {
                let same = ra == rb
                    && a.source == b.source
                    && a.fields == b.fields
                    && a.indicators == b.indicators
                    && a.adjustments == b.adjustments
                    && all_positions(a) == all_positions(b);
                if same {
                    Ok(())
                } else {
                    Err(format!("filings differ:\n{a:?}\n{b:?}"))
                }
            }
            (
                Item::Invalid {
                    source: sa,
                    row: ra,
                    errors: a,
                },
                Item::Invalid {
                    source: sb,
                    row: rb,
                    errors: b,
                },
            ) if sa == sb && ra == rb && a == b => Ok(()),
            (Item::Invalid { errors, .. }, Item::Filing { .. }) => {
                Err(format!("typed refused, tree read: {errors:?}"))
            }
            (Item::Filing { .. }, Item::Invalid { errors, .. }) => {
                Err(format!("typed read, tree refused: {errors:?}"))
            }
            (Item::Invalid { errors: a, .. }, Item::Invalid { errors: b, .. }) => {
                Err(format!("errors differ:\n{a:#?}\n{b:#?}"))
            }
        }
    }

    thread_local! {
        /// The filing every row is also decoded into, kept from case to case.
        static REUSED: std::cell::RefCell<Filing> = std::cell::RefCell::new(Filing::empty());
    }

    /// Reads `csv`, decoding every row both ways (and into a filing used before); the number
    /// of rows compared and read.
    fn compare(csv: &str) -> Result<(usize, usize), String> {
        let mut plan = None;
        let mut planned = false;
        let mut outcome = Ok((0, 0));
        input::csv::read(
            "p.csv",
            csv.as_bytes(),
            columns::parse_header,
            &mut |r| match r {
                input::csv::Read::Header { paths, units, .. } => {
                    plan = Plan::new(&paths, &units).map(Arc::new);
                    planned = plan.is_some();
                }
                input::csv::Read::Record(rec) => {
                    let row = Row::for_tests(rec, plan.clone());
                    let (typed, tree) = (row.decode(), row.decode_tree());
                    // Decoded again into a filing used before (by earlier rows and cases,
                    // valid or not): the same filing or errors as a fresh one.
                    let reused = REUSED.with_borrow_mut(|f| match row.decode_into(f) {
                        Ok(()) => Item::Filing {
                            filing: f.clone(),
                            row: Some(row.row()),
                        },
                        Err(item) => item,
                    });
                    if let Ok((n, ok)) = &mut outcome {
                        *n += 1;
                        *ok += usize::from(matches!(typed, Item::Filing { .. }));
                        if let Err(e) = same(&typed, &tree).and_then(|()| same(&reused, &typed)) {
                            outcome = Err(format!("{e}\nin:\n{csv}"));
                        }
                    }
                }
                _ => {}
            },
        );
        if !planned {
            return Err(format!("no plan for:\n{csv}"));
        }
        outcome
    }

    fn write_csv(header: &[String], rows: &[Vec<String>]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    /// A header: some of the base's columns and some others, shuffled, each field once.
    fn header() -> impl Strategy<Value = Vec<String>> {
        let pool: Vec<&'static str> = BASE
            .iter()
            .map(|(p, _)| *p)
            .chain(MORE.iter().copied())
            .collect();
        (
            proptest::sample::subsequence(pool.clone(), 1..=pool.len()),
            any::<bool>(),
        )
            .prop_flat_map(|(cols, shuffle)| {
                let cols: Vec<String> = cols.into_iter().map(str::to_string).collect();
                if shuffle {
                    Just(cols).prop_shuffle().boxed()
                } else {
                    Just(cols).boxed()
                }
            })
            .prop_map(|cols| {
                let mut seen = std::collections::HashSet::new();
                cols.into_iter()
                    .filter(|c| seen.insert(columns::parse_header(c).path))
                    .collect()
            })
    }

    /// A cell of column `path`: mostly the base's valid value, else any.
    fn cell(path: String, valid_weight: u32) -> impl Strategy<Value = String> {
        let valid = base(&path).unwrap_or("1").to_string();
        prop_oneof![
            valid_weight => Just(valid),
            2 => proptest::sample::select(CELLS).prop_map(str::to_string),
        ]
    }

    fn rows(h: Vec<String>, valid_weight: u32) -> impl Strategy<Value = String> {
        let paths: Vec<String> = h.iter().map(|c| columns::parse_header(c).path).collect();
        let row: Vec<_> = paths.into_iter().map(|p| cell(p, valid_weight)).collect();
        proptest::collection::vec(row, 1..4).prop_map(move |rows| write_csv(&h, &rows))
    }

    fn file() -> impl Strategy<Value = String> {
        header().prop_flat_map(|h| rows(h, 3))
    }

    /// Every column of the base, shuffled, and a few bad cells: mostly filings that read.
    fn mostly_valid_file() -> impl Strategy<Value = String> {
        let h: Vec<String> = BASE.iter().map(|(p, _)| p.to_string()).collect();
        Just(h).prop_shuffle().prop_flat_map(|h| rows(h, 60))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn typed_rows_decode_as_their_trees(csv in file()) {
            if let Err(e) = compare(&csv) {
                prop_assert!(false, "{}", e);
            }
        }

        #[test]
        fn typed_filings_are_their_trees(csv in mostly_valid_file()) {
            if let Err(e) = compare(&csv) {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn the_base_row_reads_and_agrees() {
        let h: Vec<String> = BASE.iter().map(|(p, _)| p.to_string()).collect();
        let r: Vec<String> = BASE.iter().map(|(_, v)| v.to_string()).collect();
        assert_eq!(compare(&write_csv(&h, &[r])), Ok((1, 1)));
    }

    #[test]
    fn gaps_and_too_many_items_agree() {
        // Items 1 and 3, 2 empty in one row; then 65 indicators.
        let mut h: Vec<String> = BASE.iter().map(|(p, _)| p.to_string()).collect();
        h.push("indicator.3.id".into());
        let mut r: Vec<String> = BASE.iter().map(|(_, v)| v.to_string()).collect();
        r.push("roe".into());
        let mut gap = r.clone();
        for (c, v) in h.iter().zip(gap.iter_mut()) {
            if c.starts_with("indicator.2.") {
                v.clear();
            }
        }
        // The first row has three indicators; the second, 1 and 3: a gap.
        assert_eq!(compare(&write_csv(&h, &[r, gap])), Ok((2, 1)));

        let mut h: Vec<String> = vec!["schema".into(), "kind".into()];
        let mut r: Vec<String> = vec!["wagecheck/filing/v1".into(), "budget".into()];
        for n in 1..=65 {
            h.push(format!("indicator.{n}.id"));
            h.push(format!("indicator.{n}.weight"));
            r.push(format!("i{n}"));
            r.push("x".into());
        }
        assert_eq!(compare(&write_csv(&h, &[r])), Ok((1, 0)));
    }

    #[test]
    fn headers_the_plan_does_not_place_are_left_to_the_tree() {
        let paths = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let units = |n| vec![None; n];
        assert!(Plan::new(&paths(&["schema", "indicator.01.id"]), &units(2)).is_none());
        assert!(Plan::new(&paths(&["schema", "indicator.+1.id"]), &units(2)).is_none());
        assert!(Plan::new(&paths(&["schema", "indicator.0.id"]), &units(2)).is_none());
        assert!(Plan::new(&paths(&["budget.year", "budget.year"]), &units(2)).is_none());
        assert!(Plan::new(&paths(&["budget.yaer"]), &units(1)).is_none());
        assert!(Plan::new(&paths(&["budget.year", "indicator.7.id"]), &units(2)).is_some());
    }
}

/// The plain-number fast path divides a percent by 100 without a division; the result must be
/// the general path's (`checked_div`, checked by multiplying back) in value and in scale, since
/// the scale shows in messages that print the number as written.
mod percent_fast_path {
    use super::*;
    use proptest::prelude::*;

    fn by_division(v: Decimal) -> Option<Decimal> {
        match v.checked_div(Decimal::ONE_HUNDRED) {
            Some(s) if s.checked_mul(Decimal::ONE_HUNDRED) == Some(v) => Some(s),
            _ => None,
        }
    }

    fn check(written: &str) {
        let body = written.trim_end_matches('%');
        let Ok(v) = Decimal::from_str_exact(body) else {
            return;
        };
        let fast = plain_number(FieldType::Ratio, written);
        let want = by_division(v);
        match (fast, want) {
            (Some(Ok(f)), Some(w)) => {
                assert_eq!(
                    (f, f.scale(), f.to_string()),
                    (w, w.scale(), w.to_string()),
                    "{written}"
                )
            }
            (Some(Err(NumError::OutOfRange)), None) => {}
            (f, w) => panic!("{written}: fast {f:?}, division {w:?}"),
        }
    }

    #[test]
    fn edges() {
        for w in [
            "0%",
            "-0%",
            "0.00%",
            "1%",
            "60%",
            "100%",
            "8.4%",
            "150%",
            "1200%",
            "-5%",
            "0.01%",
            "12.3400%",
            "999999999999999999%",
            "1000000000000000000%",
            "0.0000000000000000000000001%",
            "79228162514264337593543950335%",
            "7.9228162514264337593543950335%",
            "0.000000000000000000010%",
            "0.0000000000000000000010%",
            "0.00000000000000000000010%",
            "-0.00914512294770256920%",
        ] {
            check(w);
        }
    }

    /// A plain number read as `from_str_exact` reads it: value, scale and sign.
    fn check_plain(written: &str) {
        for ty in [FieldType::Amount, FieldType::SignedAmount, FieldType::Ratio] {
            let fast = plain_number(ty, written);
            let want = Decimal::from_str_exact(written);
            match (fast, want) {
                (Some(Ok(f)), Ok(w)) => assert_eq!(f.serialize(), w.serialize(), "{written}"),
                (Some(Err(NumError::OutOfRange)), Err(_)) => {}
                (f, w) => panic!("{written}: fast {f:?}, from_str_exact {w:?}"),
            }
        }
    }

    #[test]
    fn plain_edges() {
        for w in [
            "0",
            "-0",
            "-0.0",
            "0.000",
            "007",
            "-007.50",
            "999999999999999999",
            "-999999999999999999",
            "1000000000000000000",
            "99999999999999999.9",
            "0.000000000000000001",
            "0.0000000000000000000000000001",
            "0.00000000000000000000000000001",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
        ] {
            check_plain(w);
        }
    }

    proptest! {
        #[test]
        fn plain_equals_from_str_exact(
            sign in proptest::bool::ANY,
            int in "[0-9]{1,22}",
            frac in proptest::option::of("[0-9]{1,12}"),
        ) {
            let w = format!(
                "{}{int}{}",
                if sign { "-" } else { "" },
                frac.map(|f| format!(".{f}")).unwrap_or_default()
            );
            check_plain(&w);
        }

        #[test]
        fn equals_the_division(
            m in any::<i64>(),
            scale in 0u32..=28,
            zeros in 0u32..4,
            digits in 1u32..=19,
            big in any::<bool>(),
        ) {
            // Mantissas of every length up to 19 digits, and trailing zeros (`1.00`, `1200`),
            // which take the other branch of the fast path.
            let m = i128::from(m) % 10i128.pow(digits) * 10i128.pow(zeros);
            let m = if big { m * 1_000_000_000 } else { m };
            let Ok(v) = Decimal::try_from_i128_with_scale(m, scale) else { return Ok(()); };
            check(&format!("{v}%"));
        }
    }
}

/// A filing decoded into again keeps its buffers for the next row, but never a large one, and
/// never more than one row uses.
#[test]
fn a_used_filing_keeps_bounded_buffers() {
    let paths: Vec<String> = [
        "schema",
        "kind",
        "enterprise.name",
        "enterprise.credit_code",
    ]
    .map(String::from)
    .to_vec();
    let plan = plan::Plan::new(&paths, &[None; 4]).unwrap();
    let mut f = Filing::empty();
    let long = "本".repeat(5_000);
    for name in [long.as_str(), "short", long.as_str(), "short", "short"] {
        let cells = ["wagecheck/filing/v1", "budget", name, "91210500MA0XK7N440"];
        let errors = plan.decode_into("t.csv", cells.iter().copied(), 2, &mut f);
        // Required fields are missing: the row is refused, the name read all the same.
        assert!(errors.is_err());
        assert_eq!(f.fields[NAME].str(), Some(name));
        let spare = f.spare.get();
        assert!(
            spare
                .strings
                .iter()
                .all(|s| s.capacity() <= Spare::MAX_TEXT)
        );
        assert!(spare.strings.len() <= 2);
    }
}

#[test]
fn a_released_filing_holds_no_value_and_no_large_buffer() {
    let paths: Vec<String> = ["schema", "kind", "enterprise.name"]
        .map(String::from)
        .to_vec();
    let plan = plan::Plan::new(&paths, &[None; 3]).unwrap();
    let mut f = Filing::empty();
    let long = "本".repeat(5_000);
    let cells = ["wagecheck/filing/v1", "budget", long.as_str()];
    let _ = plan.decode_into("t.csv", cells.iter().copied(), 2, &mut f);
    assert_eq!(f.fields[NAME].str(), Some(long.as_str()));
    f.release();
    // The batch releases a chunk's filings once reported: the giant name is gone now, not
    // when the next chunk is decoded into the filing.
    assert!(f.fields.iter().all(|v| !v.is_present()));
    assert!(f.positions.get("enterprise.name").is_none());
    let spare = f.spare.get();
    assert!(
        spare
            .strings
            .iter()
            .all(|s| s.capacity() <= Spare::MAX_TEXT)
    );
}

#[test]
fn a_filings_debug_shows_its_value_and_not_its_kept_buffers() {
    let paths: Vec<String> = ["schema", "kind", "enterprise.name"]
        .map(String::from)
        .to_vec();
    let plan = plan::Plan::new(&paths, &[None; 3]).unwrap();
    let mut f = Filing::empty();
    for name in ["本溪甲公司", "本溪乙公司"] {
        let cells = ["wagecheck/filing/v1", "budget", name];
        let _ = plan.decode_into("t.csv", cells.iter().copied(), 2, &mut f);
    }
    let shown = format!("{f:?}");
    assert!(shown.starts_with("Filing { source: "), "{shown}");
    assert!(
        shown.contains(", fields: [Str(\"wagecheck/filing/v1\")"),
        "{shown}"
    );
    assert!(
        shown.contains("本溪乙公司") && !shown.contains("本溪甲公司"),
        "{shown}"
    );
    assert!(
        !shown.contains("spare") && !shown.contains("Kept"),
        "{shown}"
    );
    assert!(shown.ends_with(", .. }"), "{shown}");
}

#[test]
fn a_giant_csv_row_is_dropped_once_decoded_and_a_small_one_kept_for_the_reader() {
    use read::{Decoded, Item, Raw};
    let long = "本".repeat(100_000);
    let csv = format!(
        "schema,kind,enterprise.name\nwagecheck/filing/v1,budget,{long}\nwagecheck/filing/v1,budget,short\n"
    );
    let mut raws = Vec::new();
    read::for_each_csv("t.csv", csv.as_bytes(), |raw| raws.push(raw));
    assert_eq!(raws.len(), 2);
    assert!(raws.iter().all(|r| matches!(r, Raw::Row(_))));
    assert!(!raws[0].recyclable() && raws[1].recyclable());
    let mut f = Filing::empty();
    for (i, raw) in raws.iter_mut().enumerate() {
        // Required fields are missing: each row is refused, with its number.
        let decoded = raw.decode_into(&mut f);
        assert!(
            matches!(decoded, Decoded::Invalid { row: Some(n), .. } if n == i + 1),
            "row {}",
            i + 1
        );
    }
    // The giant row's text is gone as soon as it is decoded (a batch decodes a whole chunk
    // before it gives the chunk back: its giant rows must not live beside their filings
    // until then); nothing is left on the heap in its place.
    assert!(
        matches!(&raws[0], Raw::Item(Item::Invalid { source, errors, .. })
            if source.capacity() == 0 && errors.capacity() == 0),
        "the giant row is still held"
    );
    assert!(!raws[0].recyclable());
    // The small row stays, for the reader to reuse its buffers.
    assert!(matches!(&raws[1], Raw::Row(_)) && raws[1].recyclable());
}
