//! Bilingual text and located diagnostics.

use serde::Serialize;

use crate::source::Pos;

/// The language of everything a person reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }
}

/// A text in Chinese and English.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: &str, en: &str) -> Text {
        Text {
            zh: zh.to_string(),
            en: en.to_string(),
        }
    }

    pub fn owned(zh: String, en: String) -> Text {
        Text { zh, en }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Joins two texts with a separator per language.
    pub fn join(&self, other: &Text, sep_zh: &str, sep_en: &str) -> Text {
        Text::owned(
            format!("{}{sep_zh}{}", self.zh, other.zh),
            format!("{}{sep_en}{}", self.en, other.en),
        )
    }
}

/// One located problem in an input: a filing, a CSV row or a rule pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Full dotted path of the field (`budget.wage_totl`, `indicator.2.weight`).
    pub field: Option<String>,
    pub message: Text,
}

impl Diagnostic {
    pub fn new(file: &str, pos: Option<Pos>, field: Option<&str>, message: Text) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            field: field.map(str::to_string),
            message,
        }
    }

    /// `file:line:column: field: message`, as compilers print it.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = self.file.clone();
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        s.push_str(": ");
        if let Some(f) = self.field.as_deref().filter(|f| !f.is_empty()) {
            s.push_str(&format!("{f}: "));
        }
        s.push_str(self.message.get(lang));
        s
    }
}

/// "expected X, found Y" in both languages.
pub fn expected_found(expected: &Text, found: &str) -> Text {
    Text::owned(
        format!("应为{}，实为 {found}", expected.zh),
        format!("expected {}, found {found}", expected.en),
    )
}

/// Jaro-Winkler similarity above which a candidate is offered as "did you mean" (not policy).
const SUGGESTION_SIMILARITY: f64 = 0.80;

/// The closest candidate to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= SUGGESTION_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_has_position_and_field() {
        let d = Diagnostic::new(
            "a.toml",
            Some(Pos { line: 3, column: 7 }),
            Some("budget.wage_totl"),
            Text::new("未知字段", "unknown field"),
        );
        assert_eq!(
            d.render(Lang::En),
            "a.toml:3:7: budget.wage_totl: unknown field"
        );
        assert_eq!(d.render(Lang::Zh), "a.toml:3:7: budget.wage_totl: 未知字段");
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("wage_totl", ["wage_total", "year"]),
            Some("wage_total")
        );
        assert_eq!(did_you_mean("zzz", ["wage_total", "year"]), None);
    }
}
