//! The table the benchmark prints: each figure, its target where the issue sets one, and MET / NOT MET.

pub struct Line {
    figure: String,
    value: String,
    target: String,
    met: Option<bool>,
}

#[derive(Default)]
pub struct Report {
    lines: Vec<Line>,
}

impl Report {
    pub fn info(&mut self, figure: impl Into<String>, value: impl Into<String>) {
        self.lines.push(Line {
            figure: figure.into(),
            value: value.into(),
            target: String::new(),
            met: None,
        });
    }

    pub fn check(
        &mut self,
        figure: impl Into<String>,
        value: impl Into<String>,
        target: impl Into<String>,
        met: bool,
    ) {
        self.lines.push(Line {
            figure: figure.into(),
            value: value.into(),
            target: target.into(),
            met: Some(met),
        });
    }

    pub fn print(&self) {
        let w0 = self
            .lines
            .iter()
            .map(|l| l.figure.len())
            .max()
            .unwrap_or(0)
            .max(6);
        let w1 = self
            .lines
            .iter()
            .map(|l| l.value.len())
            .max()
            .unwrap_or(0)
            .max(5);
        let w2 = self
            .lines
            .iter()
            .map(|l| l.target.len())
            .max()
            .unwrap_or(0)
            .max(6);
        println!();
        println!(
            "{:<w0$}  {:>w1$}  {:<w2$}  RESULT",
            "FIGURE", "VALUE", "TARGET"
        );
        println!("{}", "-".repeat(w0 + w1 + w2 + 14));
        for l in &self.lines {
            let verdict = match l.met {
                Some(true) => "MET",
                Some(false) => "NOT MET",
                None => "",
            };
            println!(
                "{:<w0$}  {:>w1$}  {:<w2$}  {verdict}",
                l.figure, l.value, l.target
            );
        }
        println!();
    }
}
