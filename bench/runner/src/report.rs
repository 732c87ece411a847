//! The one table every measurement lands in, and the `BENCHMARKS.md` around it.

/// One line of the table: a measurement of ours against another contender.
pub struct Row {
    /// The brief's item: "1 generation", "2 build", ...
    item: &'static str,
    what: String,
    ours: String,
    other: String,
    /// Ours divided by the other.
    ratio: Option<f64>,
    /// The interquartile range of the round-by-round ratios, where the
    /// ratio is their median.
    spread: Option<(f64, f64)>,
    goal: String,
    met: Option<bool>,
}

impl Row {
    pub fn new(item: &'static str, what: impl Into<String>) -> Self {
        Row {
            item,
            what: what.into(),
            ours: String::new(),
            other: "—".into(),
            ratio: None,
            spread: None,
            goal: "—".into(),
            met: None,
        }
    }

    pub fn ours(mut self, value: impl Into<String>) -> Self {
        self.ours = value.into();
        self
    }

    /// The other contender's value; `ratio` is ours divided by it.
    pub fn other(mut self, value: impl Into<String>, ratio: f64) -> Self {
        self.other = value.into();
        self.ratio = Some(ratio);
        self
    }

    /// The other contender's value, with the ratio as the median of the
    /// round-by-round `ratios` and their interquartile range beside it.
    pub fn other_paired(mut self, value: impl Into<String>, ratios: &[f64]) -> Self {
        self.other = value.into();
        self.ratio = Some(crate::stats::median(ratios));
        self.spread = Some(crate::stats::quartiles(ratios));
        self
    }

    /// A goal on the ratio where lower is better (times, bytes).
    pub fn ratio_at_most(self, limit: f64) -> Self {
        let met = self.ratio.is_some_and(|ratio| ratio <= limit);
        self.goal(format!("≤ {limit:.2}x"), met)
    }

    /// A goal on the ratio where higher is better (throughput).
    pub fn ratio_at_least(self, limit: f64) -> Self {
        let met = self.ratio.is_some_and(|ratio| ratio >= limit);
        self.goal(format!("≥ {limit:.2}x"), met)
    }

    pub fn goal(mut self, goal: impl Into<String>, met: bool) -> Self {
        self.goal = goal.into();
        self.met = Some(met);
        self
    }

    pub fn item(&self) -> &'static str {
        self.item
    }

    pub fn missed(&self) -> bool {
        self.met == Some(false)
    }

    /// The row in one sentence, for the list of missed goals.
    pub fn describe(&self) -> String {
        let against = match self.ratio {
            Some(ratio) => format!(" against {} ({ratio:.3}x{})", self.other, self.spread_text()),
            None => String::new(),
        };
        format!("{} ({}): {}{against}; goal {}", self.what.trim(), self.item, self.ours, self.goal)
    }
}

impl Row {
    /// ` (IQR 0.931–0.968)`, or nothing for a row without rounds.
    fn spread_text(&self) -> String {
        self.spread.map_or(String::new(), |(low, high)| format!(" (IQR {low:.3}–{high:.3})"))
    }
}

/// What one section of the benchmark produced.
#[derive(Default)]
pub struct Section {
    pub rows: Vec<Row>,
    /// How the rows were measured, with this run's parameters.
    pub notes: Vec<String>,
}

/// The rows as a Markdown table, columns padded so that it also reads in a terminal.
pub fn table(rows: &[Row]) -> String {
    let header =
        ["#", "measurement", "ours", "other", "ours/other", "goal", "met?"].map(String::from);
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            [
                row.item.to_owned(),
                row.what.clone(),
                row.ours.clone(),
                row.other.clone(),
                // Three decimals, so that a ratio just short of its goal never reads as on it.
                row.ratio.map_or("—".into(), |ratio| format!("{ratio:.3}x{}", row.spread_text())),
                row.goal.clone(),
                match row.met {
                    Some(true) => "yes".into(),
                    Some(false) => "**NO**".into(),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    let width = |column: usize| {
        cells.iter().chain([&header]).map(|row| row[column].chars().count()).max().unwrap_or(0)
    };
    let widths: Vec<usize> = (0..7).map(width).collect();
    let line = |row: &[String; 7]| {
        let padded: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
    let mut out = line(&header);
    out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
    for row in &cells {
        out.push_str(&line(row));
    }
    out
}
