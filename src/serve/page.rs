//! The self-check page: a form generated from the filing schema (Chinese first, an English
//! switch), uploads of filing files, and the result view. Works without JavaScript; the
//! script only adds and removes indicator rows in place and shows hints while typing.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::engine::{self, CheckError, InputFormat};
use super::form::{self, Values};
use super::schema::{section_label, unit};
use crate::diag::{Diagnostic, Lang, Text};
use crate::filing::schema::{
    ARRAYS, FIELDS, FieldDefault, FieldSpec, FieldType, TABLES, value_label,
};
use crate::report::Report;
use crate::report::html::Mode;

const CSS: &str = include_str!("assets/app.css");
const JS: &str = include_str!("assets/app.js");

/// Rows of each array shown in an empty form.
const EMPTY_ROWS: &[(&str, usize)] = &[("indicator", 2), ("adjustment", 1)];

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    if lang.is_zh() { zh } else { en }
}

fn lang_code(lang: Lang) -> &'static str {
    if lang.is_zh() { "zh" } else { "en" }
}

fn parse_lang(s: Option<&str>) -> Lang {
    match s {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// The page around a body: header with the language switch, the privacy note, the footer.
fn layout(lang: Lang, title: &str, switch: &str, body: &str, packs: &[String]) -> String {
    format!(
        r#"<!doctype html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · wagecheck</title>
<link rel="stylesheet" href="/assets/report.css">
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<header class="top">
<div class="brand"><a href="/?lang={code}">{app}</a><span class="sub">{sub}</span></div>
<nav>{switch}</nav>
</header>
<main>
<p class="privacy" id="privacy">{privacy}</p>
{body}
</main>
<footer>wagecheck {version} · {packs_label}{packs}</footer>
</body>
</html>
"#,
        html_lang = if lang.is_zh() { "zh-CN" } else { "en" },
        title = esc(title),
        code = lang_code(lang),
        app = t(lang, "工资总额预算自查", "Wage budget self-check"),
        sub = t(
            lang,
            "国有企业工资决定机制 · 国发〔2018〕16号",
            "SOE wage determination · State Council 2018 No. 16"
        ),
        switch = switch,
        privacy = t(
            lang,
            "本服务不保存任何内容：填写或上传的数据只用于本次检查，不写入服务器的磁盘或日志；结果页关闭即消失，请自行下载保存。",
            "Nothing is stored: what you fill in or upload is used for this check only and never written to the server's disk or logs. Download the result to keep it."
        ),
        version = env!("CARGO_PKG_VERSION"),
        packs_label = t(lang, "规则包：", "rule packs: "),
        packs = esc(&packs.join(", ")),
        body = body,
    )
}

/// The other language: (its `lang` code, its name, its HTML language tag).
fn other(lang: Lang) -> (&'static str, &'static str, &'static str) {
    if lang.is_zh() {
        ("en", "English", "en")
    } else {
        ("zh", "中文", "zh-CN")
    }
}

/// The language switch: a link to the empty page, or, when the page shows what was filled in,
/// a button that posts it again (to `action`) in the other language, so nothing is lost.
fn switch(lang: Lang, values: &Values, action: &str) -> String {
    let (code, name, tag) = other(lang);
    if values.is_empty() {
        return format!(
            r#"<a class="switch" href="/?lang={code}" lang="{tag}" hreflang="{tag}">{name}</a>"#
        );
    }
    format!(
        r#"<form method="post" action="{action}"><input type="hidden" name="_lang" value="{code}">{}<button type="submit" class="switch" lang="{tag}">{name}</button></form>"#,
        hidden(values)
    )
}

fn pack_ids(state: &AppState) -> Vec<String> {
    state.engine.packs().iter().map(|p| p.id.clone()).collect()
}

/// The catalog's indicators across the loaded packs: (id, zh, en), first definition wins.
fn catalog(state: &AppState) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = Vec::new();
    for p in state.engine.packs() {
        for e in &p.pack.catalog.indicators {
            if !out.iter().any(|(id, _)| *id == e.id) {
                out.push((e.id.clone(), e.text.clone()));
            }
        }
    }
    out
}

/// Per-field error messages, by dotted path, and the ones that name no field.
struct Errors<'a> {
    list: &'a [Diagnostic],
    lang: Lang,
}

impl Errors<'_> {
    fn of(&self, path: &str) -> Vec<&str> {
        self.list
            .iter()
            .filter(|d| d.field.as_deref() == Some(path))
            .map(|d| d.message.get(self.lang))
            .collect()
    }
}

fn label_of(path: &str, lang: Lang) -> String {
    if let Some(f) = FIELDS.iter().find(|f| f.path == path) {
        return (if lang.is_zh() { f.zh } else { f.en }).to_string();
    }
    for (name, specs) in ARRAYS {
        if let Some(rest) = path.strip_prefix(&format!("{name}."))
            && let Some((n, key)) = rest.split_once('.')
            && let Some(f) = specs.iter().find(|f| f.path == key)
        {
            let sec = section_label(name);
            return format!(
                "{} {n} · {}",
                sec.get(lang),
                if lang.is_zh() { f.zh } else { f.en }
            );
        }
    }
    path.to_string()
}

fn option_label(value: &str, lang: Lang) -> String {
    match value_label(value) {
        Some((zh, _)) if lang.is_zh() => format!("{zh}（{value}）"),
        Some((_, en)) => format!("{en} ({value})"),
        None => value.to_string(),
    }
}

fn type_hint(ty: FieldType, lang: Lang) -> &'static str {
    match ty {
        FieldType::Amount => t(lang, "不小于 0 的金额", "an amount, not negative"),
        FieldType::SignedAmount => t(lang, "金额，可为负数", "an amount, may be negative"),
        FieldType::Ratio => t(
            lang,
            "如 8%、0.08 或指标原值",
            "e.g. 8%, 0.08 or the indicator's value",
        ),
        FieldType::Headcount => t(
            lang,
            "大于 0，可有小数",
            "greater than 0, may have decimals",
        ),
        FieldType::Year => t(lang, "四位年份", "a four-digit year"),
        FieldType::Date => t(lang, "日期", "a date"),
        _ => "",
    }
}

/// One input for a field, with its label, unit, help and errors.
#[allow(clippy::too_many_arguments)]
fn field_html(
    out: &mut String,
    spec: &FieldSpec,
    name: &str,
    values: &Values,
    errors: &Errors<'_>,
    lang: Lang,
    cat: &[(String, Text)],
    compact: bool,
) {
    let current = form::get(values, name).unwrap_or("");
    let id = format!("f-{name}");
    let label = if lang.is_zh() { spec.zh } else { spec.en };
    let errs = errors.of(name);
    let class = if errs.is_empty() {
        "field"
    } else {
        "field has-error"
    };
    let req = if spec.required {
        format!(
            r#" <span class="req" title="{0}">*</span>"#,
            t(lang, "必填", "required")
        )
    } else {
        String::new()
    };
    if compact {
        let _ = write!(out, r#"<td class="{class}">"#);
    } else {
        let _ = write!(
            out,
            r#"<div class="{class}"><label for="{id}">{label}{req}</label><div class="control">"#,
            id = esc(&id),
            label = esc(label),
        );
    }
    let aria = if compact {
        format!(r#" aria-label="{}""#, esc(label))
    } else {
        String::new()
    };
    match spec.ty {
        FieldType::Enum(opts) => {
            let _ = write!(
                out,
                r#"<select id="{id}" name="{name}"{aria}><option value="">—</option>"#,
                id = esc(&id),
                name = esc(name)
            );
            for o in opts {
                let sel = if *o == current { " selected" } else { "" };
                let _ = write!(
                    out,
                    r#"<option value="{v}"{sel}>{l}</option>"#,
                    v = esc(o),
                    l = esc(&option_label(o, lang))
                );
            }
            out.push_str("</select>");
        }
        FieldType::Bool => {
            let _ = write!(
                out,
                r#"<select id="{id}" name="{name}"{aria}><option value="">{unset}</option>"#,
                id = esc(&id),
                name = esc(name),
                unset = t(lang, "未填", "not given"),
            );
            for (v, l) in [
                ("true", t(lang, "是", "yes")),
                ("false", t(lang, "否", "no")),
            ] {
                let sel = if v == current { " selected" } else { "" };
                let _ = write!(out, r#"<option value="{v}"{sel}>{l}</option>"#);
            }
            out.push_str("</select>");
        }
        FieldType::EnumList(opts) if !opts.is_empty() => {
            let ticked = form::get_all(values, name);
            let _ = write!(
                out,
                r#"<input type="hidden" name="_list.{name}" value=""><div class="checks" id="{id}">"#,
                name = esc(name),
                id = esc(&id)
            );
            for o in opts {
                let c = if ticked.contains(o) { " checked" } else { "" };
                let _ = write!(
                    out,
                    r#"<label class="check"><input type="checkbox" name="{name}" value="{v}"{c}> {l}</label>"#,
                    name = esc(name),
                    v = esc(o),
                    l = esc(&option_label(o, lang))
                );
            }
            out.push_str("</div>");
        }
        FieldType::Text if name.starts_with("indicator.") && name.ends_with(".id") => {
            let _ = write!(
                out,
                r#"<select id="{id}" name="{name}"{aria}><option value="">—</option>"#,
                id = esc(&id),
                name = esc(name)
            );
            let mut found = current.is_empty();
            for (v, text) in cat {
                let sel = if v == current {
                    found = true;
                    " selected"
                } else {
                    ""
                };
                let l = if lang.is_zh() {
                    format!("{}（{v}）", text.zh)
                } else {
                    format!("{} ({v})", text.en)
                };
                let _ = write!(
                    out,
                    r#"<option value="{v}"{sel}>{l}</option>"#,
                    v = esc(v),
                    l = esc(&l)
                );
            }
            if !found {
                let _ = write!(
                    out,
                    r#"<option value="{v}" selected>{v}</option>"#,
                    v = esc(current)
                );
            }
            out.push_str("</select>");
        }
        ty => {
            let (kind, mode) = match ty {
                FieldType::Date => ("date", ""),
                FieldType::Text | FieldType::EnumList(_) | FieldType::YearList => ("text", ""),
                FieldType::Year | FieldType::Whole | FieldType::PositiveWhole => {
                    ("text", r#" inputmode="numeric""#)
                }
                _ => ("text", r#" inputmode="decimal""#),
            };
            let hint = match ty {
                FieldType::Amount | FieldType::SignedAmount => r#" data-hint="amount""#,
                FieldType::Ratio => r#" data-hint="ratio""#,
                _ => "",
            };
            let required = if spec.required && !compact {
                " required"
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<input type="{kind}" id="{id}" name="{name}" value="{v}"{mode}{hint}{required}{aria} autocomplete="off">"#,
                id = esc(&id),
                name = esc(name),
                v = esc(current),
            );
        }
    }
    if !compact {
        if let Some(u) = unit(spec.ty) {
            let _ = write!(out, r#"<span class="unit">{}</span>"#, esc(u.get(lang)));
        }
        out.push_str("</div>");
        let mut help = format!("<code>{}</code>", esc(spec.path));
        let h = type_hint(spec.ty, lang);
        if !h.is_empty() {
            let _ = write!(help, " · {h}");
        }
        match spec.default {
            FieldDefault::Bool(b) => {
                let _ = write!(
                    help,
                    " · {}{}",
                    t(lang, "不填视为", "default "),
                    if b {
                        t(lang, "是", "yes")
                    } else {
                        t(lang, "否", "no")
                    }
                );
            }
            FieldDefault::Whole(n) => {
                let _ = write!(help, " · {}{n}", t(lang, "不填视为 ", "default "));
            }
            FieldDefault::FullyCompetitiveByCategory => {
                let _ = write!(
                    help,
                    " · {}",
                    t(lang, "不填时竞争类视为是", "default: yes for competitive")
                );
            }
            _ => {}
        }
        let _ = write!(out, r#"<small class="help">{help}</small>"#);
    }
    for e in errs {
        let _ = write!(out, r#"<p class="error" role="alert">{}</p>"#, esc(e));
    }
    out.push_str(if compact { "</td>" } else { "</div>" });
}

/// The form, prefilled with `values`, with `errors` next to their fields.
fn form_html(
    state: &AppState,
    lang: Lang,
    values: &Values,
    errors: &[Diagnostic],
    extra_rows: &[(&str, usize)],
) -> String {
    let errors = Errors { list: errors, lang };
    let cat = catalog(state);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<form method="post" action="/check" class="filing" id="filing" novalidate>
<input type="hidden" name="_lang" value="{code}">
<h2>{title}</h2>
<p class="lead">{lead}</p>
"#,
        code = lang_code(lang),
        title = t(lang, "在线填写", "Fill in the form"),
        lead = t(
            lang,
            "带 * 的为必填项；其余不填视为未知，相关规则将标为“需复核”并指出所缺字段。金额以元为单位，比例可写 8% 或 0.08。",
            "Fields marked * are required; anything else left empty is unknown, and the rules that need it are marked “review” naming the field. Amounts are in yuan; ratios may be written 8% or 0.08."
        ),
    );
    // The top-level choice first.
    let _ = write!(
        out,
        r#"<fieldset id="s-filing"><legend>{}</legend><div class="grid">"#,
        esc(section_label("filing").get(lang))
    );
    for f in FIELDS.iter().filter(|f| f.path == "kind") {
        field_html(&mut out, f, f.path, values, &errors, lang, &cat, false);
    }
    out.push_str("</div></fieldset>\n");
    for table in TABLES {
        let prefix = format!("{table}.");
        let _ = write!(
            out,
            r#"<fieldset id="s-{table}"><legend>{}</legend><div class="grid">"#,
            esc(section_label(table).get(lang))
        );
        for f in FIELDS.iter().filter(|f| f.path.starts_with(&prefix)) {
            field_html(&mut out, f, f.path, values, &errors, lang, &cat, false);
        }
        out.push_str("</div></fieldset>\n");
        if *table == "prior" {
            // Indicators sit with the figures they are compared with.
            for (name, specs) in ARRAYS.iter().filter(|(n, _)| *n == "indicator") {
                rows_html(
                    &mut out, name, specs, values, &errors, lang, &cat, extra_rows,
                );
            }
        }
    }
    for (name, specs) in ARRAYS.iter().filter(|(n, _)| *n != "indicator") {
        rows_html(
            &mut out, name, specs, values, &errors, lang, &cat, extra_rows,
        );
    }
    let _ = write!(
        out,
        r#"<div class="actions submit"><button type="submit" class="primary" id="submit">{}</button></div>
</form>
"#,
        t(lang, "检查", "Check")
    );
    out
}

/// An array of tables as rows that can be added and removed.
#[allow(clippy::too_many_arguments)]
fn rows_html(
    out: &mut String,
    name: &str,
    specs: &[FieldSpec],
    values: &Values,
    errors: &Errors<'_>,
    lang: Lang,
    cat: &[(String, Text)],
    extra_rows: &[(&str, usize)],
) {
    let posted = form::rows(values, name);
    let base = EMPTY_ROWS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .unwrap_or(1);
    let extra = extra_rows
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
        .unwrap_or(0);
    let count = (if posted.is_empty() {
        base
    } else {
        posted.len()
    } + extra)
        .min(crate::filing::schema::MAX_ARRAY_ITEMS);
    // Posted rows keep their numbers' order; they are renumbered from 1 here.
    let mut numbers: Vec<Option<usize>> = posted.iter().copied().map(Some).collect();
    numbers.resize(count, None);
    let _ = write!(
        out,
        r#"<fieldset id="s-{name}" class="rows"><legend>{}</legend><table class="rows" data-array="{name}"><thead><tr>"#,
        esc(section_label(name).get(lang))
    );
    for f in specs {
        let u = unit(f.ty)
            .filter(|_| !matches!(f.ty, FieldType::Ratio))
            .map(|u| format!(r#" <span class="unit">（{}）</span>"#, esc(u.get(lang))))
            .unwrap_or_default();
        let req = if f.required {
            r#" <span class="req">*</span>"#
        } else {
            ""
        };
        let _ = write!(
            out,
            "<th>{}{req}{u}</th>",
            esc(if lang.is_zh() { f.zh } else { f.en })
        );
    }
    out.push_str("<th></th></tr></thead><tbody>");
    for (i, from) in numbers.iter().enumerate() {
        let n = i + 1;
        // The row's values, renamed from the number it was posted under.
        let row_values: Values = match from {
            Some(old) => specs
                .iter()
                .filter_map(|f| {
                    form::get(values, &format!("{name}.{old}.{}", f.path))
                        .map(|v| (format!("{name}.{n}.{}", f.path), v.to_string()))
                })
                .collect(),
            None => Vec::new(),
        };
        let _ = write!(out, r#"<tr data-row="{n}">"#);
        for f in specs {
            let key = format!("{name}.{n}.{}", f.path);
            field_html(out, f, &key, &row_values, errors, lang, cat, true);
        }
        let _ = write!(
            out,
            r#"<td><button type="submit" class="remove" name="_op" value="remove:{name}.{n}" formaction="/form" title="{l}" aria-label="{l}">×</button></td></tr>"#,
            l = t(lang, "删除此行", "remove this row")
        );
    }
    let _ = write!(
        out,
        r#"</tbody></table><button type="submit" class="add" name="_op" value="add:{name}" formaction="/form">{}</button></fieldset>"#,
        t(lang, "＋ 添加一行", "+ Add a row")
    );
}

fn upload_html(lang: Lang) -> String {
    format!(
        r#"<section class="card upload" id="upload">
<h2>{h}</h2>
<form method="post" action="/upload" enctype="multipart/form-data">
<input type="hidden" name="_lang" value="{code}">
<input type="file" name="file" id="file" accept="{accept}" aria-label="{h}">
<button type="submit" id="upload-submit">{btn}</button>
</form>
<p class="help">{formats} · {tpl} <a href="/template.toml?lang={code}" download>{toml}</a> · <a href="/template.xlsx?lang={code}" download>{xtpl}</a></p>
</section>
"#,
        h = t(lang, "上传申报文件", "Upload a filing"),
        code = lang_code(lang),
        accept = ".toml,.json,.xlsx",
        btn = t(lang, "上传并检查", "Upload and check"),
        formats = t(
            lang,
            "可上传 TOML、JSON 或 Excel（.xlsx）文件",
            "TOML, JSON or Excel (.xlsx)",
        ),
        tpl = t(lang, "下载模板：", "templates:"),
        toml = t(lang, "TOML 模板", "TOML template"),
        xtpl = t(lang, "Excel 模板", "Excel template"),
    )
}

fn index_page(
    state: &AppState,
    lang: Lang,
    values: &Values,
    errors: &[Diagnostic],
    extra: &[(&str, usize)],
    banner: &str,
) -> String {
    let mut body = String::new();
    body.push_str(banner);
    body.push_str(&upload_html(lang));
    body.push_str(&form_html(state, lang, values, errors, extra));
    layout(
        lang,
        t(lang, "工资总额预算自查", "Wage budget self-check"),
        &switch(lang, values, "/form"),
        &body,
        &pack_ids(state),
    )
}

/// `GET /`: the empty form.
pub async fn index(State(state): State<Arc<AppState>>, q: RawQuery) -> Response {
    let lang = super::api::lang_of_raw(q.0.as_deref());
    html(
        StatusCode::OK,
        index_page(&state, lang, &Vec::new(), &[], &[], ""),
    )
}

pub fn not_found(lang: Lang) -> Response {
    let body = format!(
        r#"<section class="card"><h2>{}</h2><p><a href="/?lang={}">{}</a></p></section>"#,
        t(lang, "没有这个页面", "No such page"),
        lang_code(lang),
        t(lang, "返回首页", "Back to the form")
    );
    html(
        StatusCode::NOT_FOUND,
        layout(lang, "404", &switch(lang, &Vec::new(), "/"), &body, &[]),
    )
}

/// A located error list for people: field label, position, message.
fn error_list(errors: &[Diagnostic], lang: Lang) -> String {
    let mut out = format!(
        r#"<section class="card errors" id="errors" role="alert"><h2>{}</h2><ul>"#,
        t(
            lang,
            "申报内容有误，请修改后重新检查",
            "The filing has errors: correct them and check again"
        )
    );
    for d in errors {
        let mut loc = String::new();
        if let Some(f) = d.field.as_deref().filter(|f| !f.is_empty()) {
            let _ = write!(
                loc,
                "<strong>{}</strong> <code>{}</code>",
                esc(&label_of(f, lang)),
                esc(f)
            );
        }
        if let Some(l) = d.line {
            let _ = write!(
                loc,
                r#" <span class="pos">{}:{l}{}</span>"#,
                esc(&d.file),
                d.column.map(|c| format!(":{c}")).unwrap_or_default()
            );
        }
        let _ = write!(out, "<li>{loc} {}</li>", esc(d.message.get(lang)));
    }
    out.push_str("</ul></section>\n");
    out
}

/// Hidden inputs carrying the form's values (to download or edit without storing anything).
fn hidden(values: &Values) -> String {
    let mut out = String::new();
    // Empty values say nothing, but a list's marker (`_list.…`) says the list was asked.
    for (k, v) in values
        .iter()
        .filter(|(k, v)| k != "_op" && k != "_lang" && (!v.is_empty() || k.starts_with("_list.")))
    {
        let _ = write!(
            out,
            r#"<input type="hidden" name="{}" value="{}">"#,
            esc(k),
            esc(v)
        );
    }
    out
}

/// The result view: the report, then downloads and a way back to the form.
fn result_page(state: &AppState, lang: Lang, report: &Report, values: &Values) -> String {
    // `report::html`'s section, as `check --format html` shows it; its style sheet is served
    // as `/assets/report.css` (the CSP allows no inline style). The article's id is `verdict`.
    let mut body = crate::report::html::section(report, lang, "verdict", Mode::Report);
    let hidden = hidden(values);
    let code = lang_code(lang);
    let _ = write!(
        body,
        r#"<section class="card actions" id="downloads">
<form method="post" action="/download/filing.toml"><input type="hidden" name="_lang" value="{code}">{hidden}<button type="submit">{toml}</button></form>
<form method="post" action="/download/filing.xlsx"><input type="hidden" name="_lang" value="{code}">{hidden}<button type="submit">{xlsx}</button></form>
<form method="post" action="/form"><input type="hidden" name="_lang" value="{code}">{hidden}<button type="submit">{edit}</button></form>
<a class="button" href="/?lang={code}">{new}</a>
</section>
"#,
        toml = t(lang, "下载申报文件（TOML）", "Download the filing (TOML)"),
        xlsx = t(lang, "下载申报文件（Excel）", "Download the filing (Excel)"),
        edit = t(lang, "返回修改", "Edit and check again"),
        new = t(lang, "重新填写", "Start over"),
    );
    // The language switch checks the same values again in the other language.
    layout(
        lang,
        t(lang, "检查结果", "Result"),
        &switch(lang, values, "/check"),
        &body,
        &pack_ids(state),
    )
}

fn form_values(pairs: Vec<(String, String)>) -> Values {
    pairs
        .into_iter()
        .filter(|(k, _)| k.len() <= 128)
        .map(|(k, v)| (k, v.chars().take(4096).collect()))
        .collect()
}

/// Checks form values (or an uploaded filing already read into them): the result page, or the
/// form again with the errors beside their fields.
fn check_values(state: &AppState, lang: Lang, values: Values) -> Response {
    let toml = form::to_toml(&values);
    let source = "filing.toml";
    match state
        .engine
        .check(
            toml.as_bytes(),
            InputFormat::Toml,
            source,
            None,
            lang,
            false,
        )
        .map(|o| o.report)
    {
        Ok(report) if engine::is_invalid(&report) => {
            let banner = error_list(&report.errors, lang);
            html(
                StatusCode::UNPROCESSABLE_ENTITY,
                index_page(state, lang, &values, &report.errors, &[], &banner),
            )
        }
        Ok(report) => html(StatusCode::OK, result_page(state, lang, &report, &values)),
        Err(e) => {
            let errors = match e {
                CheckError::Unparseable(errors) => errors,
                _ => Vec::new(),
            };
            let banner = error_list(&errors, lang);
            html(
                StatusCode::BAD_REQUEST,
                index_page(state, lang, &values, &errors, &[], &banner),
            )
        }
    }
}

/// `POST /check`: the form submitted.
pub async fn submit(
    State(state): State<Arc<AppState>>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let values = form_values(pairs);
    let lang = parse_lang(form::get(&values, "_lang"));
    check_values(&state, lang, values)
}

/// `POST /form`: the form again with its values (edit after a result, or add and remove rows
/// without JavaScript).
pub async fn edit(
    State(state): State<Arc<AppState>>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let mut values = form_values(pairs);
    let lang = parse_lang(form::get(&values, "_lang"));
    let op = form::get(&values, "_op").unwrap_or("").to_string();
    let mut extra: Vec<(&str, usize)> = Vec::new();
    if let Some(name) = op.strip_prefix("add:") {
        if let Some((n, _)) = ARRAYS.iter().find(|(n, _)| *n == name) {
            extra.push((n, 1));
        }
    } else if let Some(row) = op.strip_prefix("remove:") {
        let prefix = format!("{row}.");
        values.retain(|(k, _)| !k.starts_with(&prefix));
        // Removing the last filled row of an array leaves the empty rows shown.
    }
    values.retain(|(k, _)| k != "_op");
    html(
        StatusCode::OK,
        index_page(&state, lang, &values, &[], &extra, ""),
    )
}

/// `POST /upload`: a filing file (TOML, JSON or XLSX).
pub async fn upload(State(state): State<Arc<AppState>>, mut multipart: Multipart) -> Response {
    let mut lang = Lang::Zh;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                if name == "_lang" {
                    lang = parse_lang(field.text().await.ok().as_deref());
                } else if name == "file" {
                    let fname = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((fname, b.to_vec())),
                        Err(e) => return upload_error(&state, lang, e.status(), Vec::new()),
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return upload_error(&state, lang, e.status(), Vec::new()),
        }
    }
    let Some((fname, bytes)) = file.filter(|(n, b)| !n.is_empty() || !b.is_empty()) else {
        let d = Diagnostic::new(
            "",
            None,
            None,
            Text::new("请选择要上传的文件", "choose a file to upload"),
        );
        return upload_error(&state, lang, StatusCode::BAD_REQUEST, vec![d]);
    };
    // Only the file's own name is shown: no path from the client's machine.
    let display: String = fname
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .take(128)
        .collect();
    let Some(format) = InputFormat::from_name(&display) else {
        let d = Diagnostic::new(
            &display,
            None,
            None,
            Text::new(
                "无法识别的文件类型：请上传 .toml、.json 或 .xlsx 文件",
                "unrecognised file type: upload a .toml, .json or .xlsx file",
            ),
        );
        return upload_error(&state, lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, vec![d]);
    };
    match state.engine.read(&bytes, format, &display) {
        Err(CheckError::Unparseable(errors)) => {
            upload_error(&state, lang, StatusCode::BAD_REQUEST, errors)
        }
        Err(CheckError::UnknownPack(_)) => {
            upload_error(&state, lang, StatusCode::BAD_REQUEST, Vec::new())
        }
        Ok(Err(report)) => upload_error(
            &state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            report.errors,
        ),
        Ok(Ok(filing)) => {
            let values = form::from_filing(&filing);
            match state
                .engine
                .check_filing(&filing, None, lang, false)
                .map(|o| o.report)
            {
                Ok(report) if engine::is_invalid(&report) => {
                    let banner = error_list(&report.errors, lang);
                    html(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        index_page(&state, lang, &values, &report.errors, &[], &banner),
                    )
                }
                Ok(report) => html(StatusCode::OK, result_page(&state, lang, &report, &values)),
                Err(_) => upload_error(&state, lang, StatusCode::BAD_REQUEST, Vec::new()),
            }
        }
    }
}

fn upload_error(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    errors: Vec<Diagnostic>,
) -> Response {
    let errors = if errors.is_empty() {
        vec![Diagnostic::new(
            "",
            None,
            None,
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Text::new("文件过大", "the file is too large")
            } else {
                Text::new("无法读取上传的文件", "the upload could not be read")
            },
        )]
    } else {
        errors
    };
    let banner = error_list(&errors, lang);
    html(
        status,
        index_page(state, lang, &Vec::new(), &[], &[], &banner),
    )
}

fn attachment(content_type: &'static str, name: &str, body: impl Into<Body>) -> Response {
    let mut r = (StatusCode::OK, body.into()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `POST /download/filing.toml`: the form's values as a TOML filing.
pub async fn download_toml(axum::Form(pairs): axum::Form<Vec<(String, String)>>) -> Response {
    let values = form_values(pairs);
    attachment(
        "application/toml; charset=utf-8",
        "filing.toml",
        form::to_toml(&values),
    )
}

/// `POST /download/filing.xlsx`: the form's values as the Excel form (`init --format xlsx`)
/// filled in with them; uploading it, or `check` on it, reads the same filing.
pub async fn download_xlsx(
    State(state): State<Arc<AppState>>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let values = form_values(pairs);
    let lang = parse_lang(form::get(&values, "_lang"));
    match state.engine.filing_xlsx(&form::to_toml(&values), lang) {
        Ok(bytes) => attachment(XLSX_CONTENT_TYPE, "filing.xlsx", bytes),
        Err(errors) => upload_error(&state, lang, StatusCode::BAD_REQUEST, errors),
    }
}

const XLSX_CONTENT_TYPE: &str = super::api::XLSX_TYPE;

/// `GET /template.toml`: the commented template `wagecheck init` prints.
pub async fn template_toml(State(state): State<Arc<AppState>>, q: RawQuery) -> Response {
    let lang = super::api::lang_of_raw(q.0.as_deref());
    let text = state.engine.template(lang).unwrap_or_default();
    attachment(
        "application/toml; charset=utf-8",
        "wagecheck-template.toml",
        text,
    )
}

/// `GET /template.xlsx`: the Excel form `wagecheck init --format xlsx` writes.
pub async fn template_xlsx(State(state): State<Arc<AppState>>, q: RawQuery) -> Response {
    let lang = super::api::lang_of_raw(q.0.as_deref());
    match state.engine.template_xlsx(lang) {
        Some(bytes) => attachment(XLSX_CONTENT_TYPE, "wagecheck-template.xlsx", bytes),
        None => super::error::ApiError::new(
            StatusCode::NOT_FOUND,
            lang,
            Text::new("没有可用的 Excel 模板", "no Excel template is available"),
        )
        .into_response(),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

/// `GET /assets/report.css`: the style sheet of `--format html`, for the result view.
pub async fn report_css() -> Response {
    asset("text/css; charset=utf-8", crate::report::html::CSS)
}

pub async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}
