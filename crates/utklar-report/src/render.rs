//! The page: the model as one self-contained HTML document, built with `maud` (every inserted
//! value escaped), the charts inline as SVG, the CSS inline, nothing fetched.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use utklar_core::payment::MeanDefinition;
use utklar_core::{CareType, IndicatorRow, Measures};

use crate::chart::{self, ChartSpec};
use crate::lang::Lang;
use crate::model::{
    CareSection, IndicatorLine, InvoiceCare, InvoicePart, Liability, NationComparison, Report,
};

const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; font-size: 9.5pt;
  color: #222; max-width: 186mm; margin: 0 auto; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 0 0 3mm; border-bottom: 2px solid #1F5FA8; padding-bottom: 1mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 2mm; }
section { padding-top: 2mm; }
section + section { break-before: page; page-break-before: always; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 1mm 0 3mm; }
th, td { padding: 1.2mm 1.5mm; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f2f4f7; font-weight: 600; font-size: 8.5pt; }
th.n, td.n { text-align: right; }
td.n { white-space: nowrap; }
table.month { font-size: 8.5pt; }
table.month th { font-size: 7.5pt; hyphens: auto; }
tr.total td { font-weight: 700; border-top: 1.5px solid #444; }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
.grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; }
.grid.many { grid-template-columns: repeat(5, 1fr); }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
figure.empty { border: 1px dashed #ccc; padding: 2mm; color: #777; font-size: 8.5pt; }
.legend { font-size: 8.5pt; margin: 0 0 2mm; }
.legend span { display: inline-block; margin-right: 5mm; }
.swatch { display: inline-block; width: 8mm; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 1.5mm; }
.nodata { font-size: 11pt; padding: 4mm; background: #fff6e5; border-left: 4px solid #e0a000; }
.note { color: #555; font-size: 8.5pt; }
.meta td:first-child { width: 45%; }
dl dt { font-weight: 700; margin-top: 2mm; }
dl dd { margin: 0 0 0 5mm; }
@media screen { body { margin: 8mm auto; } section { border-bottom: 1px solid #ccc; padding-bottom: 6mm; margin-bottom: 6mm; } }
"#;

/// The report as one HTML document.
pub fn render_html(r: &Report) -> String {
    let l = r.lang;
    let title = format!(
        "{} – {} {}",
        l.t(
            "Uppföljning av lagen om samverkan vid utskrivning",
            "Follow-up of the Discharge Act (lagen om samverkan vid utskrivning)"
        ),
        r.county.name(),
        l.month(r.month)
    );
    let page = html! {
        (DOCTYPE)
        html lang=(l.to_string()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("utklar {}", utklar_core::VERSION));
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body data-county=(r.county.to_string()) data-month=(r.month.to_string()) {
                (title_block(r, &title))
                @for c in &r.care { (care_section(r, c)) }
                (invoice_section(r))
                (definitions(r))
            }
        }
    };
    page.into_string()
}

/// A page in an `<iframe srcdoc>` (escaped), so that it shows inside another page — a
/// notebook — with its own styles kept inside it.
///
/// ```
/// let frame = utklar_report::embed("<!DOCTYPE html><p class=\"x\">a & b</p>");
/// assert!(frame.starts_with("<iframe"));
/// assert!(frame.contains("&lt;p class=&quot;x&quot;&gt;a &amp; b"));
/// ```
pub fn embed(page: &str) -> String {
    html! {
        iframe srcdoc=(page) style="width:100%;height:80vh;border:1px solid #ccc" title="utklar report" {}
    }
    .into_string()
}

fn title_block(r: &Report, title: &str) -> Markup {
    let l = r.lang;
    let d = &r.data;
    html! {
        section.title id="title" {
            h1 { (title) }
            p.note {
                (l.t("Framtagen med utklar ", "Made with utklar ")) (utklar_core::VERSION)
                (l.t(" ur de data som lästes in; alla siffror beräknade med utklar-core.",
                     " from the data read; every figure computed by utklar-core."))
            }
            table.meta {
                tbody {
                    tr { td { (l.t("Län", "County")) } td { (r.county.name()) " (" (r.county.to_string()) ")" } }
                    tr { td { (l.t("Månad", "Month")) } td { (l.month(r.month)) } }
                    tr { td { (l.t("Avtal för fakturan", "Agreement of the invoice")) } td { (r.agreement.name) ": " (r.agreement.title) } }
                    tr { td { (l.t("Data omfattar utskrivningar", "The data's discharges run"))  }
                         td { (l.month(d.months.0)) " – " (l.month(d.months.1)) } }
                    tr { td { (l.t("Rader inlästa", "Rows read")) } td.n { (l.count(d.rows_in)) } }
                    tr { td { (l.t("Räknade (utskrivna, giltiga)", "Counted (discharged, valid)")) } td.n { (l.count(d.counted)) } }
                    tr { td { (l.t("Pågående (ej utskrivna)", "Open (not yet discharged)")) } td.n { (l.count(d.open)) } }
                    @if d.outside_age > 0 {
                        tr { td { (l.t("Utanför åldersgränsen", "Outside the age limit")) } td.n { (l.count(d.outside_age)) } }
                    }
                    tr { td { (l.t("Uteslutna", "Excluded")) } td.n { (l.count(d.excluded.iter().map(|x| x.1).sum())) } }
                    @for (reason, n) in &d.excluded {
                        tr.reason { td { "\u{2003}" (l.reason(*reason)) } td.n { (l.count(*n)) } }
                    }
                    tr { td { (l.t("Länets utskrivna vårdtillfällen i månaden", "The county's discharged episodes in the month")) }
                         td.n { (l.count(r.county_episodes)) } }
                }
            }
            @if r.county_episodes == 0 {
                p.nodata data-nodata="county" {
                    (r.county.name())
                    (l.t(" har inga utskrivna vårdtillfällen i ", " has no discharged episodes in "))
                    (l.month(r.month))
                    (l.t(" i de inlästa data.", " in the data read."))
                }
            }
            @if let Some((k, n)) = r.suppressed {
                p.note {
                    (l.t("Små tal undertryckta: kommunrader med 1 till ", "Small cells suppressed: municipality rows with 1 to "))
                    (l.count(k.saturating_sub(1)))
                    (l.t(" vårdtillfällen visas som – (", " episodes are shown as – ("))
                    (l.count(n as u64))
                    (l.t(" rader i hela data, sekundär undertryckning inräknad).", " rows in all the data, secondary suppression included)."))
                }
            }
        }
    }
}

fn mean_name(l: Lang, m: MeanDefinition) -> &'static str {
    match m {
        MeanDefinition::InclDay0 => l.t(
            "medelvärde utskrivningsklara dagar inklusive dag 0",
            "mean ready days including day 0",
        ),
        MeanDefinition::ExclDay0 => l.t(
            "dagar i snitt (nationell definition, exklusive dag 0)",
            "mean ready days (national definition, day 0 excluded)",
        ),
    }
}

fn care_section(r: &Report, c: &CareSection) -> Markup {
    let l = r.lang;
    let care_key = c.care_type.as_str();
    html! {
        section.care id=(format!("care-{care_key}")) data-care=(care_key) {
            h2 { (l.care(c.care_type)) " – " (r.county.name()) ", " (l.month(r.month)) }
            @if !c.has_data() {
                p.nodata data-nodata=(care_key) {
                    (r.county.name())
                    (l.t(" har inga utskrivna vårdtillfällen i ", " has no discharged episodes in "))
                    (l.care(c.care_type).to_lowercase())
                    (l.t(" i ", " in "))
                    (l.month(r.month))
                    (l.t(": inga diagram eller tabell för månaden.", ": no charts or table for the month."))
                }
            } @else {
                (charts(r, c))
                (month_table(r, c))
                (nation(r, c))
            }
        }
    }
}

fn charts(r: &Report, c: &CareSection) -> Markup {
    let l = r.lang;
    let y_max = chart::y_max(
        c.series
            .iter()
            .flat_map(|s| s.values.iter())
            .chain(c.county_series.iter()),
        c.indicator,
    );
    let indicator_text = match c.indicator {
        IndicatorLine::Threshold(t) => format!(
            "{} {} {}",
            l.t(
                "länets indikator (avtalets tröskel)",
                "the county's indicator (the agreement's threshold)"
            ),
            l.number(t, 2),
            l.t("dagar", "days")
        ),
        IndicatorLine::CountyMean => l
            .t(
                "länets eget medelvärde (avtalet har ingen tröskel)",
                "the county's own mean (the agreement has no threshold)",
            )
            .to_string(),
    };
    let indicator_attr = match c.indicator {
        IndicatorLine::Threshold(t) => t.to_string(),
        IndicatorLine::CountyMean => "county".to_string(),
    };
    let many = c.series.len() > 20;
    html! {
        h3 {
            (l.t("Tolv månader: ", "Twelve months: "))
            (mean_name(l, c.mean)) (l.t(", per kommun", ", per municipality"))
        }
        p.legend {
            span { span.swatch style=(format!("border-color:{}", chart::MUNICIPALITY_COLOUR)) {} (l.t("kommunen", "the municipality")) }
            span { span.swatch style=(format!("border-color:{}", chart::INDICATOR_COLOUR)) {} (indicator_text) }
            @if matches!(c.indicator, IndicatorLine::Threshold(_)) {
                span { span.swatch style=(format!("border-color:{}", chart::COUNTY_COLOUR)) {} (l.t("länet", "the county")) }
            }
        }
        div.grid.many[many] {
            @for s in &c.series {
                @let name = s.municipality.name();
                @if s.values.iter().all(Option::is_none) {
                    figure.chart.empty data-municipality=(s.municipality.to_string()) {
                        strong { (name) } br;
                        (l.t("inga värden under de tolv månaderna", "no values in the twelve months"))
                    }
                } @else {
                    @let spec = ChartSpec { title: name, values: &s.values, county: &c.county_series,
                        indicator: c.indicator, months: &r.months, y_max, lang: l };
                    @match chart::small_multiple(&spec) {
                        Ok(svg) => figure.chart data-municipality=(s.municipality.to_string())
                            data-title=(name) data-indicator=(indicator_attr)
                            data-care=(c.care_type.as_str()) role="img"
                            aria-label=(format!("{name}: {}, {}", mean_name(l, c.mean), indicator_text)) { (PreEscaped(svg)) },
                        Err(e) => figure.chart.empty data-municipality=(s.municipality.to_string()) {
                            strong { (name) } br; (l.t("diagrammet kunde inte ritas: ", "the chart could not be drawn: ")) (e)
                        },
                    }
                }
            }
        }
    }
}

fn count_cell(l: Lang, m: Option<&Measures>, f: fn(&Measures) -> u64) -> String {
    m.map_or_else(|| "–".into(), |m| l.count(f(m)))
}

fn row_cells(l: Lang, row: &IndicatorRow) -> Markup {
    let m = row.published_measures();
    html! {
        td.n { (count_cell(l, m.as_ref(), Measures::episodes)) }
        td.n { (count_cell(l, m.as_ref(), |m| m.day0)) }
        td.n { (count_cell(l, m.as_ref(), |m| m.ready_days)) }
        td.n { (l.opt(row.mean_days, 1)) }
        td.n { (l.opt(row.mean_days_incl_day0, 2)) }
        td.n { (l.percent(row.goal_attainment)) }
        td.n { (l.opt(row.days_per_1000, 0)) }
        td.n { (l.opt(row.occupied_beds, 1)) }
    }
}

fn month_table(r: &Report, c: &CareSection) -> Markup {
    let l = r.lang;
    let per_1000 = match c.care_type {
        CareType::Somatic => l.t("Dagar/1 000 inv. 65+", "Days/1,000 inhabitants 65+"),
        CareType::Psychiatric => l.t("Dagar/1 000 inv.", "Days/1,000 inhabitants"),
    };
    html! {
        h3 { (l.t("Månaden per kommun och för länet", "The month per municipality and for the county")) }
        table.month data-care=(c.care_type.as_str()) {
            thead { tr {
                th { (l.t("Kommun", "Municipality")) }
                th.n { (l.t("Utskrivna vårdtillfällen", "Discharged episodes")) }
                th.n { (l.t("Dag 0", "Day 0")) }
                th.n { (l.t("Utskrivnings\u{ad}klara dagar", "Ready days")) }
                th.n { (l.t("Dagar i snitt", "Mean days")) }
                th.n { (l.t("Snitt inkl. dag 0", "Mean incl. day 0")) }
                th.n { (l.t("Mål\u{ad}uppfyllelse", "Goal attainment")) }
                th.n { (per_1000) }
                th.n { (l.t("Belagda platser", "Occupied beds")) }
            } }
            tbody {
                @for (m, row) in &c.table {
                    tr data-municipality=(m.to_string()) {
                        td { (m.name()) @if row.as_ref().is_some_and(|r| r.suppressed) { " *" } }
                        @match row {
                            Some(row) => (row_cells(l, row)),
                            None => td.n colspan="8" { (l.t("inga utskrivna vårdtillfällen", "no discharged episodes")) },
                        }
                    }
                }
                @if let Some(row) = &c.county_row {
                    tr.total data-county=(r.county.to_string()) { td { (r.county.name()) } (row_cells(l, row)) }
                }
            }
        }
        @if c.table.iter().any(|(_, r)| r.as_ref().is_some_and(|r| r.suppressed)) {
            p.note { (l.t("* undertryckt (små tal).", "* suppressed (small cells).")) }
        }
        @if !r.population {
            p.note { (l.t("Ingen befolkning angiven: dagar per 1 000 invånare är tomt.",
                          "No population given: days per 1,000 inhabitants is empty.")) }
        }
    }
}

fn nation(r: &Report, c: &CareSection) -> Markup {
    let l = r.lang;
    html! {
        h3 { (l.t("Måluppfyllelse: länet och riket", "Goal attainment: the county and the nation")) }
        @match c.nation {
            NationComparison::Covered { county, nation } => p.nation data-covered="true" {
                (l.month(r.month)) ": " (r.county.name()) " " (l.percent(county)) ", "
                (l.t("riket", "the nation")) " " (l.percent(nation))
            },
            NationComparison::NotCovered { counties } => p.nation data-covered="false" {
                (l.t("Länets måluppfyllelse kan inte jämföras med rikets: de inlästa data täcker ",
                     "The county's goal attainment cannot be compared with the nation's: the data read cover "))
                (counties)
                (l.t(" av 21 län i månaden, inte hela riket.", " of the 21 counties in the month, not the whole nation."))
            },
        }
    }
}

fn liability_cells(l: Lang, x: &Liability, billed: bool) -> Markup {
    let mean = |m: Option<f64>| {
        m.map_or_else(
            || l.t("inget snitt", "no mean").to_string(),
            |m| l.number(m, 2),
        )
    };
    let past_ceiling = |c: &Option<u32>| {
        c.map(|c| {
            format!(
                "{}{c}{}",
                l.t(
                    "; vårdtillfällen över taket ",
                    "; episodes past the ceiling of "
                ),
                l.t(
                    " dagar debiteras var för sig",
                    " days are billed one by one"
                )
            )
        })
    };
    html! {
        @match x {
            Liability::Liable { mean: m, threshold, ceiling } => {
                td { (l.t("Ja", "Yes")) }
                td { (l.t("snittet ", "the mean ")) (mean(*m)) " > " (l.number(*threshold, 2)) (l.t(" dagar", " days"))
                     (past_ceiling(ceiling).unwrap_or_default()) }
            }
            Liability::NotLiable { mean: m, threshold, ceiling } => {
                td {
                    @if billed && ceiling.is_some() { (l.t("Bara över taket", "Past the ceiling only")) }
                    @else { (l.t("Nej", "No")) }
                }
                td { (l.t("snittet ", "the mean ")) (mean(*m)) " ≤ " (l.number(*threshold, 2)) (l.t(" dagar", " days"))
                     (past_ceiling(ceiling).unwrap_or_default()) }
            }
            Liability::Individual => {
                td { (l.t("Per vårdtillfälle", "Per episode")) }
                td { (l.t("individuell modell: dagarna efter fristdagarna", "individual model: the days past the grace days")) }
            }
            Liability::NoEpisodes => {
                td { "–" }
                td { (l.t("inga avslutade vårdtillfällen i perioden", "no closed episodes in the period")) }
            }
        }
    }
}

fn invoice_care(l: Lang, r: &Report, c: &InvoiceCare) -> Markup {
    html! {
        h3 { (l.care(c.care_type)) ", " (l.period(c.period)) }
        @if c.period.kind() != utklar_core::PeriodKind::Month {
            p.note { (l.t("Avtalet fakturerar perioden som helhet; den innehåller månaden. Vårdtillfällen räknas till perioden för sitt utskrivningsdatum.",
                          "The agreement bills the period as a whole; it holds the month. Episodes belong to the period of their discharge date.")) }
        }
        table.invoice data-care=(c.care_type.as_str()) data-period=(c.period.to_string()) {
            thead { tr {
                th { (l.t("Kommun", "Municipality")) }
                th { (l.t("Betalningsansvar", "Liable")) }
                th { (l.t("Varför", "Why")) }
                th.n { (l.t("Debiterade dagar", "Billed days")) }
                th.n { (l.t("Belopp", "Amount")) }
            } }
            tbody {
                @for row in &c.rows {
                    tr data-municipality=(row.municipality.to_string()) {
                        td { (row.municipality.name()) }
                        (liability_cells(l, &row.liability, row.total.as_ref().is_some_and(|t| t.billed_days > 0.0)))
                        td.n { (row.total.as_ref().map_or_else(|| "–".into(), |t| l.number(t.billed_days, days_decimals(t.billed_days)))) }
                        td.n { (row.total.as_ref().map_or_else(|| "–".into(), |t| l.kronor(t.amount_ore))) }
                    }
                }
                tr.total { td colspan="3" { (r.county.name()) } td.n { (l.number(c.billed_days, days_decimals(c.billed_days))) } td.n { (l.kronor(c.amount_ore)) } }
            }
        }
        table.notbilled data-care=(c.care_type.as_str()) {
            thead { tr { th { (l.t("Vårdtillfällen i perioden", "Episodes of the period")) } th.n { (l.t("Antal", "Count")) } } }
            tbody {
                tr { td { (l.t("debiterade", "billed")) } td.n { (l.count(c.billed_episodes)) } }
                @for (reason, n) in &c.not_billed {
                    tr data-reason=(reason.as_str()) { td { (l.t("ej debiterade: ", "not billed: ")) (l.not_billed(*reason)) } td.n { (l.count(*n)) } }
                }
            }
        }
    }
}

fn days_decimals(d: f64) -> usize {
    usize::from(d.fract() != 0.0)
}

fn invoice_section(r: &Report) -> Markup {
    let l = r.lang;
    html! {
        section.invoice id="invoice" {
            h2 { (l.t("Månadens faktura enligt avtalet", "The month's invoice under the agreement")) }
            p { (r.agreement.name) ": " (r.agreement.title) }
            p.note { (l.t("Källa: ", "Source: ")) (r.agreement.source) }
            @match &r.invoice {
                InvoicePart::MissingAmount { year } => p.nodata data-nodata="amount" {
                    (l.t("Fakturan kan inte beräknas: det finns inget belopp per vårddygn för år ",
                         "The invoice cannot be computed: there is no amount per care day for the year "))
                    (year)
                    (l.t(" (ange --amount ", " (give --amount ")) (year) "=KRONOR)."
                },
                InvoicePart::Made { care, open, unreadable } => {
                    @for c in care { (invoice_care(l, r, c)) }
                    p.note {
                        (l.t("Pågående vårdtillfällen i länets kommuner (i ingen period): ",
                             "Open episodes of the county's municipalities (in no period): ")) (l.count(*open))
                        ". "
                        (l.t("Oläsliga rader i hela filen (ingen kommun att räkna dem till): ",
                             "Unreadable rows of the whole file (no municipality to count them under): ")) (l.count(*unreadable))
                        "."
                    }
                },
            }
        }
    }
}

fn definitions(r: &Report) -> Markup {
    let l = r.lang;
    let sv = l == Lang::Sv;
    html! {
        section.definitions id="definitions" {
            h2 { (l.t("Definitioner", "Definitions")) }
            dl {
                dt { (l.t("Utskrivet vårdtillfälle", "Discharged episode")) " (" i { "vårdtillfälle" } ")" }
                dd { (l.t("Ett vårdtillfälle räknas till månaden för sitt utskrivningsdatum; pågående vårdtillfällen ingår inte.",
                          "An episode belongs to the month of its discharge date; open episodes are not counted.")) }
                dt { (l.t("Utskrivningsklara dagar", "Ready days")) " (" i { "utskrivningsklara dagar" } ")" }
                dd { (l.t("Dagar från utskrivningsklar dag till utskrivning. Dag 0: utskriven samma dag som utskrivningsklar.",
                          "Days from the ready date to discharge. Day 0: discharged on the ready date.")) }
                dt { (l.t("Dagar i snitt", "Mean days, national definition")) " (" i { "Dagar i snitt" } ")" }
                dd { (l.t("utskrivningsklara dagar / vårdtillfällen med minst en dag; dag 0-vårdtillfällen ingår inte i nämnaren.",
                          "ready days / episodes with at least one day; day-0 episodes are not in the denominator.")) }
                dt { (l.t("Snitt inklusive dag 0", "Mean including day 0")) " (" i { "genomsnitt inklusive dag 0" } ")" }
                dd { (l.t("utskrivningsklara dagar / alla utskrivna vårdtillfällen (Kalmar, Stockholm; det snitt som avgör betalningsansvaret där).",
                          "ready days / all discharged episodes (Kalmar, Stockholm; the mean that decides liability there).")) }
                dt { (l.t("Måluppfyllelse", "Goal attainment")) " (" i { "Måluppfyllelse" } ")" }
                dd { (l.t("andelen utskrivna samma dag som de blev utskrivningsklara: dag 0 / vårdtillfällen.",
                          "the share discharged on the ready date: day 0 / episodes.")) }
                dt { (l.t("Dagar per 1 000 invånare", "Days per 1,000 inhabitants")) " (" i { "Dagar/1000 inv 65+" } ")" }
                dd { (l.t("utskrivningsklara dagar / befolkning × 1 000 × 12 (en månad uppräknad till år); befolkning 65+ för somatisk vård, alla åldrar för psykiatrisk vård.",
                          "ready days / population × 1,000 × 12 (a month annualised); the population aged 65+ for somatic care, all ages for psychiatric care.")) }
                dt { (l.t("Belagda platser", "Occupied beds")) " (" i { "Belagda platser" } ")" }
                dd { (l.t("utskrivningsklara dagar / kalenderdagar i månaden.", "ready days / calendar days of the month.")) }
                dt { (l.t("Länets indikator", "The county's indicator")) }
                dd { (l.t("Diagrammens röda linje: avtalets tröskel för det snitt avtalet anger (i Kalmar 0,8 dagar inklusive dag 0); utan tröskel i avtalet länets eget snitt. Fakturans snitt räknas över betalningsansvarets population (vårdtillfällen som uppfyller lagens förutsättningar), diagrammens över alla utskrivna vårdtillfällen, så de kan skilja sig.",
                          "The charts' red line: the agreement's threshold for the mean it names (0.8 days including day 0 in Kalmar); without a threshold, the county's own mean. The invoice's mean is over the liability population (episodes meeting the law's preconditions), the charts' over all discharged episodes, so they can differ.")) }
                dt { (l.t("Riket", "The nation")) }
                dd { (l.t("Rikets måluppfyllelse visas bara när de inlästa data har utskrivna vårdtillfällen från alla 21 län i månaden.",
                          "The nation's goal attainment is shown only when the data read have discharged episodes from all 21 counties in the month.")) }
                dt { (l.t("Betalningsansvar", "Payment liability")) " (" i { "betalningsansvar" } ")" }
                dd { (l.t("Enligt lagen (SFS 2017:612, 5 kap.) eller länets överenskommelse: fristdagar, tröskel, period och belopp per vårddygn (heltal öre, avrundat en gång per rad). Ej debiterade vårdtillfällen räknas per skäl, det första skäl som gäller.",
                          "Under the law (SFS 2017:612, 5 kap.) or the county's agreement: grace days, threshold, period and amount per care day (whole öre, rounded once per line). Episodes not billed are counted by reason, the first that applies.")) }
                dt { (l.t("Uteslutna rader", "Excluded rows")) }
                dd {
                    (l.t("Rader som inte kan användas (oläsliga värden, okända koder, minusdagar, upprepade id) räknas under sitt första fel och ingår varken i indikatorer eller faktura: ",
                         "Rows that cannot be used (unreadable values, unknown codes, negative days, repeated ids) are counted under their first problem and are in neither the indicators nor the invoice: "))
                    @if r.data.excluded.is_empty() { (l.t("inga i dessa data.", "none in these data.")) }
                    @else {
                        @for (i, (reason, n)) in r.data.excluded.iter().enumerate() {
                            @if i > 0 { "; " } (l.reason(*reason)) " " (l.count(*n))
                        }
                        "."
                    }
                }
            }
            @if sv { p.note { "Siffrorna avrundas bara i presentationen; beräkningarna görs med full precision." } }
            @else { p.note { "Figures are rounded only for presentation; they are computed in full precision." } }
        }
    }
}
