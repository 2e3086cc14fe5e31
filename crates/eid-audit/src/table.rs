//! Aligned plain-text tables for terminal output.

use crate::terminal;

/// The widest a cell is shown; `--format json` has the whole value.
const MAX_CELL: usize = 240;

/// A table of text cells, aligned on render.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    max_cell: usize,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            max_cell: MAX_CELL,
        }
    }

    /// A key/value block whose values are never cut (digests, paths).
    pub fn key_values() -> Self {
        Table {
            max_cell: usize::MAX,
            ..Table::new(&["", ""])
        }
    }

    pub fn row<const N: usize>(&mut self, cells: [String; N]) {
        // Cells come from archives: escaped for the terminal, and cut so that
        // one giant value cannot blow every row up to its width.
        self.rows.push(
            cells
                .into_iter()
                .map(|c| terminal::cut(&terminal::escape(&c), self.max_cell).into_owned())
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

    /// True when it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows only, no header, indented by two spaces (a key/value block
    /// inside a section).
    pub fn render_rows_indented(&self) -> String {
        let w = self.widths();
        self.rows.iter().map(|r| Table::line(r, &w, "  ")).collect()
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
