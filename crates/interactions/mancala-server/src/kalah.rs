//! The rules of Kalah(6,4), the mancala game of the page's Project Two, and the
//! board drawn in text.
//!
//! Two players face each other, six pits each, four stones in every pit, and each
//! player's store on their right. A move takes all the stones of one of your pits
//! and sows them one by one, counter-clockwise, into the following pits and your
//! own store, skipping your opponent's store. Then:
//!
//! - the last stone in your store: you play again;
//! - the last stone in one of your own pits that was empty, with stones in the pit
//!   opposite: that stone and the opposite ones go to your store (a capture);
//! - when one side has no stones left, the other side's stones go to their owner's
//!   store and the game ends: the larger store wins.
//!
//! The board is 14 cells, in the order the stones go round:
//!
//! ```text
//!  cell:   12 11 10  9  8  7        player 2's pits 6 .. 1
//!       13                    6     player 2's store, player 1's store
//!           0  1  2  3  4  5        player 1's pits 1 .. 6
//! ```

use std::fmt;

/// Pits on each side.
pub const PITS: usize = 6;
/// Stones in each pit at the start.
const STONES: u8 = 4;
/// Cells on the board: the pits and the two stores.
const CELLS: usize = 2 * PITS + 2;
/// Stones on the board, from the first move to the last.
#[cfg(test)]
pub const TOTAL: u32 = (2 * PITS) as u32 * STONES as u32;

/// One of the two players. Player 1 moves first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Player {
    One,
    Two,
}

impl Player {
    /// The opponent.
    pub fn other(self) -> Player {
        match self {
            Player::One => Player::Two,
            Player::Two => Player::One,
        }
    }

    /// The cell of this player's store.
    fn store(self) -> usize {
        match self {
            Player::One => PITS,
            Player::Two => CELLS - 1,
        }
    }

    /// The cell of this player's pit `pit` (1 to 6).
    fn cell(self, pit: usize) -> usize {
        match self {
            Player::One => pit - 1,
            Player::Two => PITS + pit,
        }
    }

    /// Whether `cell` is one of this player's pits.
    fn owns(self, cell: usize) -> bool {
        (self.cell(1)..=self.cell(PITS)).contains(&cell)
    }
}

/// What is wrong with a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadMove {
    /// Not a pit from 1 to 6.
    OutOfRange,
    /// A pit with no stones.
    Empty,
    /// The game has ended.
    GameOver,
}

/// What a move did, besides sowing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    /// The last stone fell in the player's store: the player moves again.
    pub extra_turn: bool,
    /// Stones taken from the opponent's pit opposite (0: no capture).
    pub captured: u8,
    /// The move emptied a side: the game is over.
    pub game_over: bool,
}

/// A game of Kalah: the board and whose move it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kalah {
    cells: [u8; CELLS],
    to_move: Player,
    over: bool,
}

impl Default for Kalah {
    fn default() -> Self {
        Kalah::new()
    }
}

impl Kalah {
    /// A new game: four stones in every pit, empty stores, player 1 to move.
    pub fn new() -> Kalah {
        let mut cells = [STONES; CELLS];
        cells[Player::One.store()] = 0;
        cells[Player::Two.store()] = 0;
        Kalah {
            cells,
            to_move: Player::One,
            over: false,
        }
    }

    /// A game from a known position, for tests: the cells in the order the stones
    /// go round (player 1's pits 1 to 6, store 1, player 2's pits 1 to 6, store 2).
    #[cfg(test)]
    pub fn position(cells: [u8; CELLS], to_move: Player) -> Kalah {
        Kalah {
            cells,
            to_move,
            over: false,
        }
    }

    /// The player whose move it is.
    pub fn to_move(&self) -> Player {
        self.to_move
    }

    /// Whether the game has ended.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// The stones in `player`'s pit `pit` (1 to 6).
    pub fn pit(&self, player: Player, pit: usize) -> u8 {
        self.cells[player.cell(pit)]
    }

    /// The stones in `player`'s store.
    pub fn store(&self, player: Player) -> u8 {
        self.cells[player.store()]
    }

    /// All the stones on the board: always [`TOTAL`].
    #[cfg(test)]
    pub fn stones(&self) -> u32 {
        self.cells.iter().map(|&n| u32::from(n)).sum()
    }

    /// The winner once the game is over: the larger store; `None` for a draw.
    pub fn winner(&self) -> Option<Player> {
        let (one, two) = (self.store(Player::One), self.store(Player::Two));
        match one.cmp(&two) {
            std::cmp::Ordering::Greater => Some(Player::One),
            std::cmp::Ordering::Less => Some(Player::Two),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// The player to move plays their pit `pit` (1 to 6).
    pub fn play(&mut self, pit: usize) -> Result<Moved, BadMove> {
        if self.over {
            return Err(BadMove::GameOver);
        }
        if !(1..=PITS).contains(&pit) {
            return Err(BadMove::OutOfRange);
        }
        let me = self.to_move;
        let mut cell = me.cell(pit);
        let mut stones = std::mem::take(&mut self.cells[cell]);
        if stones == 0 {
            return Err(BadMove::Empty);
        }

        // Sow counter-clockwise, one stone a cell, skipping the opponent's store.
        while stones > 0 {
            cell = (cell + 1) % CELLS;
            if cell != me.other().store() {
                self.cells[cell] += 1;
                stones -= 1;
            }
        }

        let mut moved = Moved::default();
        if cell == me.store() {
            moved.extra_turn = true;
        } else if me.owns(cell) && self.cells[cell] == 1 {
            // The last stone in one of my empty pits: it and the stones opposite are
            // mine, if there are any (pit 1 faces the opponent's pit 6, and so on).
            let opposite = CELLS - 2 - cell;
            if self.cells[opposite] > 0 {
                moved.captured = std::mem::take(&mut self.cells[opposite]);
                self.cells[cell] = 0;
                self.cells[me.store()] += moved.captured + 1;
            }
        }

        if self.side_is_empty(Player::One) || self.side_is_empty(Player::Two) {
            // The end: what is left on each side goes to that side's owner.
            for player in [Player::One, Player::Two] {
                for pit in 1..=PITS {
                    let left = std::mem::take(&mut self.cells[player.cell(pit)]);
                    self.cells[player.store()] += left;
                }
            }
            self.over = true;
            moved.game_over = true;
        } else if !moved.extra_turn {
            self.to_move = me.other();
        }
        Ok(moved)
    }

    fn side_is_empty(&self, player: Player) -> bool {
        (1..=PITS).all(|pit| self.pit(player, pit) == 0)
    }
}

/// The board as both players see it: player 2's pits on top (6 to 1, left to
/// right), player 1's below (1 to 6), player 2's store on the left and player 1's
/// on the right, so the stones go round counter-clockwise.
///
/// ```text
///   player 2     6    5    4    3    2    1
///              [ 4] [ 4] [ 4] [ 4] [ 4] [ 4]
/// store 2 [ 0]                               [ 0] store 1
///              [ 4] [ 4] [ 4] [ 4] [ 4] [ 4]
///   player 1     1    2    3    4    5    6
/// ```
impl fmt::Display for Kalah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |player: Player, pits: &mut dyn Iterator<Item = usize>| {
            let cells: Vec<String> = pits
                .map(|p| format!("[{:>2}]", self.pit(player, p)))
                .collect();
            cells.join(" ")
        };
        let labels = |pits: &mut dyn Iterator<Item = usize>| {
            let labels: Vec<String> = pits.map(|p| format!("{p:>3}")).collect();
            labels.join("  ")
        };
        let width = 5 * PITS - 1;
        writeln!(f, "  player 2   {}", labels(&mut (1..=PITS).rev()))?;
        writeln!(
            f,
            "             {}",
            row(Player::Two, &mut (1..=PITS).rev())
        )?;
        writeln!(
            f,
            "store 2 [{:>2}] {:width$} [{:>2}] store 1",
            self.store(Player::Two),
            "",
            self.store(Player::One)
        )?;
        writeln!(f, "             {}", row(Player::One, &mut (1..=PITS)))?;
        write!(f, "  player 1   {}", labels(&mut (1..=PITS)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is the failure report
mod tests {
    use super::*;

    fn position(cells: [u8; CELLS], to_move: Player) -> Kalah {
        Kalah::position(cells, to_move)
    }

    /// Plays `pit` and checks that no stone was made or lost.
    fn play(game: &mut Kalah, pit: usize) -> Moved {
        let before = game.stones();
        let moved = game.play(pit).unwrap();
        assert_eq!(game.stones(), before, "stones made or lost by pit {pit}");
        moved
    }

    #[test]
    fn a_new_game_has_four_stones_a_pit_and_player_1_moves() {
        let game = Kalah::new();
        assert_eq!(game.stones(), TOTAL);
        assert_eq!(TOTAL, 48);
        assert!((1..=6).all(|p| game.pit(Player::One, p) == 4 && game.pit(Player::Two, p) == 4));
        assert_eq!((game.store(Player::One), game.store(Player::Two)), (0, 0));
        assert_eq!(game.to_move(), Player::One);
    }

    #[test]
    fn sowing_goes_past_your_own_store_into_the_opponents_pits() {
        let mut game = Kalah::new();
        let moved = play(&mut game, 5);
        assert_eq!(game.cells, [4, 4, 4, 4, 0, 5, 1, 5, 5, 4, 4, 4, 4, 0]);
        assert_eq!(moved, Moved::default());
        assert_eq!(game.to_move(), Player::Two);
    }

    #[test]
    fn sowing_skips_the_opponents_store() {
        // Player 1's pit 6 holds 10: store 1, player 2's six pits, (not store 2), pits 1 to 3.
        let mut game = position([1, 1, 1, 1, 1, 10, 0, 1, 1, 1, 1, 1, 1, 0], Player::One);
        play(&mut game, 6);
        assert_eq!(game.cells, [2, 2, 2, 1, 1, 0, 1, 2, 2, 2, 2, 2, 2, 0]);
        // And player 2 skips player 1's store.
        let mut game = position([1, 1, 1, 1, 1, 1, 5, 1, 1, 1, 1, 1, 9, 2], Player::Two);
        play(&mut game, 6);
        assert_eq!(game.cells, [2, 2, 2, 2, 2, 2, 5, 2, 2, 1, 1, 1, 0, 3]);
    }

    #[test]
    fn the_last_stone_in_your_store_gives_another_turn() {
        let mut game = Kalah::new();
        let moved = play(&mut game, 3);
        assert!(moved.extra_turn);
        assert_eq!(game.store(Player::One), 1);
        assert_eq!(game.to_move(), Player::One, "player 1 again");
        play(&mut game, 6);
        assert_eq!(game.to_move(), Player::Two);
    }

    #[test]
    fn the_last_stone_in_your_empty_pit_captures_the_stones_opposite() {
        // Player 1's pit 2 holds 1 stone; pit 3 is empty, and player 2's pit 4 opposite holds 5.
        let mut game = position([4, 1, 0, 4, 4, 4, 3, 4, 4, 4, 5, 4, 4, 1], Player::One);
        let moved = play(&mut game, 2);
        assert_eq!(moved.captured, 5);
        assert_eq!(game.pit(Player::One, 3), 0, "the capturing stone goes too");
        assert_eq!(game.pit(Player::Two, 4), 0);
        assert_eq!(game.store(Player::One), 3 + 5 + 1);
        assert_eq!(game.to_move(), Player::Two);
    }

    #[test]
    fn player_2_captures_the_same_way() {
        // Player 2's pit 1 holds 2 stones: the last lands in their empty pit 3, opposite player 1's pit 4.
        let mut game = position([4, 4, 4, 6, 4, 4, 0, 2, 4, 0, 4, 4, 4, 2], Player::Two);
        let moved = play(&mut game, 1);
        assert_eq!(moved.captured, 6);
        assert_eq!((game.pit(Player::Two, 3), game.pit(Player::One, 4)), (0, 0));
        assert_eq!(game.store(Player::Two), 2 + 6 + 1);
    }

    #[test]
    fn an_empty_pit_with_nothing_opposite_captures_nothing() {
        let mut game = position([4, 1, 0, 4, 4, 4, 3, 4, 4, 4, 0, 4, 4, 6], Player::One);
        let moved = play(&mut game, 2);
        assert_eq!(moved.captured, 0);
        assert_eq!(game.pit(Player::One, 3), 1, "the stone stays where it fell");
        assert_eq!(game.store(Player::One), 3);
    }

    #[test]
    fn landing_in_an_opponents_empty_pit_captures_nothing() {
        let mut game = position([4, 4, 4, 4, 4, 2, 3, 0, 4, 4, 4, 4, 4, 3], Player::One);
        let moved = play(&mut game, 6);
        assert_eq!(moved.captured, 0);
        assert_eq!(game.pit(Player::Two, 1), 1);
    }

    #[test]
    fn when_a_side_is_empty_the_other_sides_stones_go_to_their_owner() {
        // Player 1's last stone goes into their store: their side is empty.
        let mut game = position([0, 0, 0, 0, 0, 1, 20, 3, 4, 5, 0, 0, 1, 14], Player::One);
        let moved = play(&mut game, 6);
        assert!(moved.game_over);
        assert!(game.is_over());
        assert_eq!(game.store(Player::One), 21);
        assert_eq!(
            game.store(Player::Two),
            14 + 13,
            "player 2's stones swept into store 2"
        );
        assert!((1..=6).all(|p| game.pit(Player::One, p) == 0 && game.pit(Player::Two, p) == 0));
        assert_eq!(game.winner(), Some(Player::Two));
        assert_eq!(game.play(1), Err(BadMove::GameOver));
    }

    #[test]
    fn emptying_the_opponents_side_ends_the_game_too() {
        // Player 1 captures player 2's last stones.
        let mut game = position([1, 0, 0, 0, 0, 5, 20, 0, 0, 0, 0, 2, 0, 20], Player::One);
        let moved = play(&mut game, 1);
        assert_eq!(moved.captured, 2);
        assert!(moved.game_over);
        assert_eq!((game.store(Player::One), game.store(Player::Two)), (28, 20));
        assert_eq!(game.winner(), Some(Player::One));
    }

    #[test]
    fn equal_stores_at_the_end_are_a_draw() {
        let mut game = position([0, 0, 0, 0, 0, 1, 23, 0, 0, 0, 0, 0, 4, 20], Player::One);
        play(&mut game, 6);
        assert!(game.is_over());
        assert_eq!((game.store(Player::One), game.store(Player::Two)), (24, 24));
        assert_eq!(game.winner(), None);
    }

    #[test]
    fn bad_moves_change_nothing() {
        let mut game = position([0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0], Player::One);
        let before = game.clone();
        assert_eq!(game.play(0), Err(BadMove::OutOfRange));
        assert_eq!(game.play(7), Err(BadMove::OutOfRange));
        assert_eq!(game.play(1), Err(BadMove::Empty));
        assert_eq!(game, before);
    }

    #[test]
    fn every_game_keeps_48_stones_after_every_move_and_ends() {
        // Many games of pseudo-random legal moves (xorshift, fixed seeds).
        for seed in 1..=200u64 {
            let mut state = seed;
            let mut game = Kalah::new();
            let mut moves = 0;
            while !game.is_over() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let pit = (state % 6) as usize + 1;
                if game.pit(game.to_move(), pit) == 0 {
                    continue;
                }
                play(&mut game, pit);
                assert_eq!(game.stones(), TOTAL);
                moves += 1;
                assert!(moves < 1000, "a game that never ends");
            }
            assert_eq!(
                u32::from(game.store(Player::One)) + u32::from(game.store(Player::Two)),
                TOTAL
            );
        }
    }

    #[test]
    fn the_board_is_drawn_with_player_2_on_top() {
        let game = position([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], Player::One);
        assert_eq!(
            game.to_string(),
            concat!(
                "  player 2     6    5    4    3    2    1\n",
                "             [13] [12] [11] [10] [ 9] [ 8]\n",
                "store 2 [14]                               [ 7] store 1\n",
                "             [ 1] [ 2] [ 3] [ 4] [ 5] [ 6]\n",
                "  player 1     1    2    3    4    5    6",
            )
        );
    }
}
