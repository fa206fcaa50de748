//! `wagecheck schema`: the filing schema as JSON Schema 2020-12. It is a valid 2020-12 schema
//! (compiled against the meta-schema by an independent validator, `boon`), every sample filing
//! (as JSON) conforms to it, and typical mistakes do not.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use wagecheck::diag::Lang;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn sample_json(name: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join("samples").join(name)).unwrap();
    toml_to_json(&toml::Value::Table(
        toml::from_str::<toml::Table>(&text).unwrap(),
    ))
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(schema: Value) -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource("file:///filing.schema.json", schema)
            .unwrap();
        let index = compiler
            .compile("file:///filing.schema.json", &mut schemas)
            .unwrap_or_else(|e| panic!("not a valid 2020-12 schema: {e:#}"));
        Validator { schemas, index }
    }

    fn check(&self, v: &Value) -> Result<(), String> {
        self.schemas
            .validate(v, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

#[test]
fn every_sample_conforms_to_the_schema() {
    for lang in [Lang::Zh, Lang::En] {
        let v = Validator::new(wagecheck::filing::json_schema::filing_schema(lang));
        let mut n = 0;
        for e in std::fs::read_dir(Path::new(ROOT).join("samples")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                v.check(&sample_json(&name))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                n += 1;
            }
        }
        assert_eq!(n, 8);
    }
}

#[test]
fn typical_mistakes_do_not_conform() {
    let v = Validator::new(wagecheck::filing::json_schema::filing_schema(Lang::En));
    let base = sample_json("02-over-cap.toml");
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut x = base.clone();
        f(&mut x);
        x
    };
    let bad = [
        (
            "misspelt field",
            mutate(&|x| x["budget"]["wage_totl"] = json!(1)),
        ),
        (
            "category not an option",
            mutate(&|x| x["enterprise"]["category"] = json!("competitve")),
        ),
        (
            "negative amount",
            mutate(&|x| x["budget"]["wage_total"] = json!(-5)),
        ),
        (
            "missing required",
            mutate(&|x| {
                x["budget"].as_object_mut().unwrap().remove("year");
            }),
        ),
        (
            "year out of range",
            mutate(&|x| x["budget"]["year"] = json!(1800)),
        ),
        (
            "not a date",
            mutate(&|x| x["execution"] = json!({"report_filed_on": "2025-02-30"})),
        ),
        (
            "boolean as text",
            mutate(&|x| x["governance"]["standardized_board"] = json!("yes")),
        ),
    ];
    for (what, doc) in bad {
        assert!(v.check(&doc).is_err(), "{what} should not conform");
    }
}

#[test]
fn the_command_prints_the_librarys_schema() {
    for (lang, flag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
        let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
            .args(["schema", "--lang", flag])
            .output()
            .unwrap();
        assert!(out.status.success());
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(printed, wagecheck::filing::json_schema::filing_schema(lang));
        assert_eq!(
            printed["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
}
