//! Keyboard movement in the grid, as in Excel and WPS: which key moves the active cell where.
//!
//! [`key_move`] names the movement of a key (with Ctrl held or not); [`step`] applies it to a
//! position within [`Bounds`], asking `blank(row, col)` where a jump to the edge of the data
//! (Ctrl+arrows) needs to know which cells hold something. Shift is the caller's: it extends
//! the selection to wherever the active cell goes.

/// A position: 0-based row and column.
pub type Pos = (usize, usize);

/// A movement of the active cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Left,
    Right,
    /// Ctrl+arrows: to the edge of the data in that direction.
    EdgeUp,
    EdgeDown,
    EdgeLeft,
    EdgeRight,
    /// Home / End: the first / last column of the row.
    RowStart,
    RowEnd,
    /// Ctrl+Home / Ctrl+End: the first cell of the body / the last row and column.
    First,
    Last,
    PageUp,
    PageDown,
}

/// Where the active cell may go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The first row it may be on (the body's first row: the header stays in view).
    pub first_row: usize,
    /// Rows of the grid (the last row is `rows - 1`).
    pub rows: usize,
    /// Columns of the grid.
    pub cols: usize,
    /// Rows a page holds (PageUp / PageDown).
    pub page: usize,
}

impl Bounds {
    fn clamp(&self, (r, c): Pos) -> Pos {
        (
            r.clamp(
                self.first_row,
                self.rows.saturating_sub(1).max(self.first_row),
            ),
            c.min(self.cols.saturating_sub(1)),
        )
    }
}

/// The movement of a key (`KeyboardEvent.key`), with Ctrl (or ⌘) held or not.
pub fn key_move(key: &str, ctrl: bool) -> Option<Move> {
    Some(match (key, ctrl) {
        ("ArrowUp", false) => Move::Up,
        ("ArrowDown", false) => Move::Down,
        ("ArrowLeft", false) => Move::Left,
        ("ArrowRight", false) => Move::Right,
        ("ArrowUp", true) => Move::EdgeUp,
        ("ArrowDown", true) => Move::EdgeDown,
        ("ArrowLeft", true) => Move::EdgeLeft,
        ("ArrowRight", true) => Move::EdgeRight,
        ("Home", false) => Move::RowStart,
        ("End", false) => Move::RowEnd,
        ("Home", true) => Move::First,
        ("End", true) => Move::Last,
        ("PageUp", _) => Move::PageUp,
        ("PageDown", _) => Move::PageDown,
        _ => return None,
    })
}

/// Where `mv` takes the active cell from `pos`. `blank(row, col)`: whether a cell shows
/// nothing. Nothing moves in an empty grid.
pub fn step(mv: Move, pos: Pos, b: &Bounds, blank: impl Fn(usize, usize) -> bool) -> Pos {
    if b.rows <= b.first_row || b.cols == 0 {
        return pos;
    }
    let (r, c) = b.clamp(pos);
    let last_row = b.rows - 1;
    let last_col = b.cols - 1;
    let page = b.page.max(1);
    let to = match mv {
        Move::Up => (r.saturating_sub(1), c),
        Move::Down => (r + 1, c),
        Move::Left => (r, c.saturating_sub(1)),
        Move::Right => (r, c + 1),
        Move::RowStart => (r, 0),
        Move::RowEnd => (r, last_col),
        Move::First => (b.first_row, 0),
        Move::Last => (last_row, last_col),
        Move::PageUp => (r.saturating_sub(page), c),
        Move::PageDown => (r + page, c),
        Move::EdgeUp => (edge(r, b.first_row, |i| blank(i, c)), c),
        Move::EdgeDown => (edge(r, last_row, |i| blank(i, c)), c),
        Move::EdgeLeft => (r, edge(c, 0, |j| blank(r, j))),
        Move::EdgeRight => (r, edge(c, last_col, |j| blank(r, j))),
    };
    b.clamp(to)
}

/// Excel's Ctrl+arrow along one line, from `at` towards `end` (either side): from a filled
/// cell with a filled neighbour, to the last filled cell of the run; otherwise to the next
/// filled cell; with none, to `end`.
fn edge(at: usize, end: usize, blank: impl Fn(usize) -> bool) -> usize {
    if at == end {
        return at;
    }
    let next = |i: usize| if end > at { i + 1 } else { i - 1 };
    let mut i = next(at);
    if !blank(at) && !blank(i) {
        while i != end && !blank(next(i)) {
            i = next(i);
        }
        return i;
    }
    while i != end && blank(i) {
        i = next(i);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 10×4 grid, body from row 2; filled cells listed.
    fn grid(filled: &[Pos]) -> (Bounds, impl Fn(usize, usize) -> bool + '_) {
        let b = Bounds {
            first_row: 2,
            rows: 10,
            cols: 4,
            page: 3,
        };
        (b, move |r, c| !filled.contains(&(r, c)))
    }

    #[test]
    fn keys_name_their_moves() {
        assert_eq!(key_move("ArrowDown", false), Some(Move::Down));
        assert_eq!(key_move("ArrowDown", true), Some(Move::EdgeDown));
        assert_eq!(key_move("End", true), Some(Move::Last));
        assert_eq!(key_move("Home", false), Some(Move::RowStart));
        assert_eq!(key_move("PageDown", false), Some(Move::PageDown));
        assert_eq!(key_move("a", false), None);
        assert_eq!(key_move("Enter", false), None);
    }

    #[test]
    fn arrows_pages_home_and_end_stay_inside_the_body() {
        let (b, blank) = grid(&[]);
        assert_eq!(
            step(Move::Up, (2, 1), &b, &blank),
            (2, 1),
            "not into the header"
        );
        assert_eq!(step(Move::Down, (9, 1), &b, &blank), (9, 1));
        assert_eq!(step(Move::Left, (5, 0), &b, &blank), (5, 0));
        assert_eq!(step(Move::Right, (5, 3), &b, &blank), (5, 3));
        assert_eq!(step(Move::PageDown, (2, 1), &b, &blank), (5, 1));
        assert_eq!(step(Move::PageDown, (8, 1), &b, &blank), (9, 1));
        assert_eq!(step(Move::PageUp, (4, 1), &b, &blank), (2, 1));
        assert_eq!(step(Move::RowStart, (4, 2), &b, &blank), (4, 0));
        assert_eq!(step(Move::RowEnd, (4, 2), &b, &blank), (4, 3));
        assert_eq!(step(Move::First, (7, 2), &b, &blank), (2, 0));
        assert_eq!(step(Move::Last, (3, 0), &b, &blank), (9, 3));
        // A position from before the grid shrank is brought back inside.
        assert_eq!(step(Move::Right, (50, 9), &b, &blank), (9, 3));
    }

    #[test]
    fn ctrl_arrows_jump_to_the_edge_of_the_data() {
        // Column 1: rows 2–5 filled, 6 empty, 8 filled.
        let filled = [(2, 1), (3, 1), (4, 1), (5, 1), (8, 1)];
        let (b, blank) = grid(&filled);
        // In a run: to its end.
        assert_eq!(step(Move::EdgeDown, (2, 1), &b, &blank), (5, 1));
        // At the end of a run: over the gap to the next filled cell.
        assert_eq!(step(Move::EdgeDown, (5, 1), &b, &blank), (8, 1));
        // From the last filled cell: to the edge of the grid.
        assert_eq!(step(Move::EdgeDown, (8, 1), &b, &blank), (9, 1));
        assert_eq!(step(Move::EdgeUp, (9, 1), &b, &blank), (8, 1));
        assert_eq!(step(Move::EdgeUp, (8, 1), &b, &blank), (5, 1));
        assert_eq!(step(Move::EdgeUp, (4, 1), &b, &blank), (2, 1));
        // From an empty cell in an empty column: the edge.
        assert_eq!(step(Move::EdgeDown, (3, 3), &b, &blank), (9, 3));
        // Along a row.
        let filled = [(4, 0), (4, 1), (4, 3)];
        let (b, blank) = grid(&filled);
        assert_eq!(step(Move::EdgeRight, (4, 0), &b, &blank), (4, 1));
        assert_eq!(step(Move::EdgeRight, (4, 1), &b, &blank), (4, 3));
        assert_eq!(step(Move::EdgeLeft, (4, 3), &b, &blank), (4, 1));
        assert_eq!(step(Move::EdgeLeft, (4, 1), &b, &blank), (4, 0));
        assert_eq!(step(Move::EdgeLeft, (4, 0), &b, &blank), (4, 0));
    }

    #[test]
    fn an_empty_grid_does_not_move() {
        let b = Bounds {
            first_row: 3,
            rows: 3,
            cols: 5,
            page: 10,
        };
        assert_eq!(step(Move::Down, (1, 1), &b, |_, _| true), (1, 1));
    }
}
