//! The computer's move, for `--vs-computer`: a simple strategy, easy to read and
//! to beat, in this order of preference:
//!
//! 1. a move whose last stone ends in the store (another turn), the pit nearest
//!    the store first, so the other such pits still end there afterwards;
//! 2. else the move that captures the most stones (the lowest pit on a tie);
//! 3. else the lowest-numbered pit with stones.

use std::cmp::Reverse;

use crate::kalah::{Kalah, Moved, PITS};

/// The pit the computer plays for the player to move; `None` once the game is over.
pub fn choose(game: &Kalah) -> Option<usize> {
    let me = game.to_move();
    let legal: Vec<usize> = (1..=PITS).filter(|&pit| game.pit(me, pit) > 0).collect();
    // What each move would do, tried on a copy of the game.
    let after = |pit: usize| -> Option<Moved> { game.clone().play(pit).ok() };

    let again = legal
        .iter()
        .rev()
        .copied()
        .find(|&pit| after(pit).is_some_and(|moved| moved.extra_turn));
    let capture = legal
        .iter()
        .filter_map(|&pit| Some((after(pit)?.captured, pit)))
        .filter(|&(captured, _)| captured > 0)
        .max_by_key(|&(captured, pit)| (captured, Reverse(pit)))
        .map(|(_, pit)| pit);
    again.or(capture).or(legal.first().copied())
}

#[cfg(test)]
mod tests {
    use super::choose;
    use crate::kalah::{Kalah, Player};

    #[test]
    fn prefers_another_turn_nearest_the_store_first() {
        // Pit 3 (4 stones) and pit 6 (1 stone) both end in the store: 6 first.
        let game = Kalah::position([4, 4, 4, 4, 4, 1, 0, 4, 4, 4, 4, 4, 4, 0], Player::One);
        assert_eq!(choose(&game), Some(6));
        // At the start, only pit 3 ends in the store.
        assert_eq!(choose(&Kalah::new()), Some(3));
    }

    #[test]
    fn else_captures_the_most() {
        // Pit 1 captures 2 (player 2's pit 5), pit 6 goes round and captures 3,
        // pit 4 captures 7 (player 2's pit 2).
        let game = Kalah::position([1, 0, 9, 1, 0, 9, 0, 4, 7, 4, 4, 2, 4, 0], Player::One);
        assert_eq!(choose(&game), Some(4));
    }

    #[test]
    fn else_plays_the_lowest_pit_with_stones() {
        let game = Kalah::position([0, 0, 5, 5, 5, 5, 0, 4, 4, 4, 4, 4, 4, 4], Player::One);
        assert_eq!(choose(&game), Some(3));
    }

    #[test]
    fn plays_for_player_2_too() {
        // Player 2's pit 5 (2 stones) ends in store 2; pit 1 would capture 4.
        let game = Kalah::position([4, 4, 4, 4, 4, 4, 0, 1, 0, 0, 0, 2, 0, 0], Player::Two);
        assert_eq!(choose(&game), Some(5));
    }
}
