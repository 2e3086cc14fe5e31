//! Aligned plain-text tables for terminal output.

/// A table of text cells, aligned on render.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        // Control characters from the archive must not reach the terminal.
        self.rows.push(
            cells
                .into_iter()
                .map(|c| {
                    c.chars()
                        .map(|ch| if ch.is_control() { '?' } else { ch })
                        .collect()
                })
                .collect(),
        );
    }

    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        w
    }

    fn line(cells: &[String], widths: &[usize], indent: &str) -> String {
        let mut s = String::from(indent);
        let last = cells.len() - 1;
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i < last {
                s.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count() + 2));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    }

    /// Rows only, no header, no indent (key/value blocks).
    pub fn render_plain(&self) -> String {
        let w = self.widths();
        self.rows.iter().map(|r| Table::line(r, &w, "")).collect()
    }

    /// Header and rows, indented by two spaces.
    pub fn render_indented(&self) -> String {
        let w = self.widths();
        let mut s = Table::line(&self.header, &w, "  ");
        for r in &self.rows {
            s.push_str(&Table::line(r, &w, "  "));
        }
        s
    }
}
