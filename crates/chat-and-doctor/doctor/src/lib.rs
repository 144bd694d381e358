//! # The Doctor (Kenneth Lambert's `doctor.py`)
//!
//! The slides put a Doctor online: a program that plays a nondirective therapist,
//! in the spirit of Weizenbaum's ELIZA. It does not understand a word. It answers
//! a patient's sentence in one of three ways, chosen at random:
//!
//! - 1 time in 4, a *hedge*: `Please tell me more.`
//! - 1 time in 4, once the patient has said more than 3 things, a memory:
//!   `Earlier you said that ` and one of the patient's earlier sentences;
//! - otherwise a *qualifier*, `Why do you say that `, and the patient's own sentence.
//!
//! The patient's sentence comes back with its persons changed, word by word (`I`
//! becomes `you`, `my` becomes `your`, `you` becomes `I`...), which is all it takes
//! to sound like a listener:
//!
//! ```
//! use doctor::change_person;
//!
//! assert_eq!(change_person("I am sad about my dog"), "you are sad about your dog");
//! ```
//!
//! Both doctor servers use this one Doctor, one per patient, each with its own
//! history: `doctor-server` sees one patient at a time, `threaded-doctor-server`
//! many at once.
//!
//! ```
//! use doctor::Doctor;
//!
//! let mut dr = Doctor::new(Some(7)); // a seed: the same choices on every run
//! assert_eq!(dr.greeting(), "Good morning, I hope you are well today.\nWhat can I do for you?");
//! let reply = dr.reply("My dog does not like me.\n");
//! assert!(dr.possible_replies("My dog does not like me.").len() > 1);
//! println!("{reply}"); // for instance: Can you explain why your dog does not like you.
//! ```

use rand::rngs::{StdRng, SysRng};
use rand::{RngExt, SeedableRng};

/// What the Doctor says first, before the patient says anything.
pub const GREETING: &str = "Good morning, I hope you are well today.\nWhat can I do for you?";

/// The answers that fit anything the patient says.
pub const HEDGES: [&str; 3] = [
    "Please tell me more.",
    "Many of my patients tell me the same thing.",
    "Please continue.",
];

/// What goes before the patient's own sentence, persons changed.
pub const QUALIFIERS: [&str; 3] = [
    "Why do you say that ",
    "You seem to think that ",
    "Can you explain why ",
];

/// What goes before an earlier sentence of the patient's, persons changed.
pub const EARLIER: &str = "Earlier you said that ";

/// The words whose person changes, matched whatever their case.
const REPLACEMENTS: [(&str, &str); 10] = [
    ("I", "you"),
    ("me", "you"),
    ("my", "your"),
    ("we", "you"),
    ("us", "you"),
    ("mine", "yours"),
    ("am", "are"),
    ("you", "I"),
    ("your", "my"),
    ("yours", "mine"),
];

/// How many of a patient's sentences the Doctor remembers. Lambert's remembers
/// them all; a patient who talks for hours (or a program that sends a gigabyte)
/// must not fill the server's memory, so the oldest are forgotten.
pub const MEMORY: usize = 100;

/// One Doctor, for one patient: it remembers what this patient said.
#[derive(Debug)]
pub struct Doctor {
    history: Vec<String>,
    rng: StdRng,
}

impl Doctor {
    /// A new Doctor with an empty history. With a `seed` its choices are the same
    /// on every run (the same conversation gets the same replies); without one
    /// they differ every time.
    pub fn new(seed: Option<u64>) -> Doctor {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            // The system's randomness; should it ever fail, the clock's nanoseconds.
            None => StdRng::try_from_rng(&mut SysRng).unwrap_or_else(|_| {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
                StdRng::seed_from_u64(now.map_or(0, |since| since.as_nanos() as u64))
            }),
        };
        Doctor {
            history: Vec::new(),
            rng,
        }
    }

    /// What the Doctor says first.
    pub fn greeting(&self) -> &'static str {
        GREETING
    }

    /// The Doctor's reply to the patient's `sentence` (see the module's page for
    /// the three kinds). The sentence, its trailing whitespace (the newline)
    /// removed, goes into the Doctor's history.
    ///
    /// ```
    /// let mut dr = doctor::Doctor::new(Some(1));
    /// let reply = dr.reply("I need a holiday\n");
    /// let possible = [
    ///     "Please tell me more.",
    ///     "Many of my patients tell me the same thing.",
    ///     "Please continue.",
    ///     "Why do you say that you need a holiday",
    ///     "You seem to think that you need a holiday",
    ///     "Can you explain why you need a holiday",
    /// ];
    /// assert!(possible.contains(&reply.as_str()), "{reply}");
    /// ```
    pub fn reply(&mut self, sentence: &str) -> String {
        let sentence = sentence.trim_end();
        // -- Lambert's probability = random.randint(1, 4)
        let answer = match self.rng.random_range(1..=4) {
            1 => pick(&mut self.rng, &HEDGES).to_string(),
            2 if self.history.len() > 3 => {
                let earlier = pick(&mut self.rng, &self.history);
                format!("{EARLIER}{}", change_person(earlier))
            }
            _ => format!(
                "{}{}",
                pick(&mut self.rng, &QUALIFIERS),
                change_person(sentence)
            ),
        };
        if self.history.len() == MEMORY {
            self.history.remove(0);
        }
        self.history.push(sentence.to_string());
        answer
    }

    /// Every reply the Doctor could give to `sentence` now, given its history:
    /// the hedges, a qualifier with the sentence, and (once the patient has said
    /// more than 3 things) each earlier sentence. The tests check replies against it.
    ///
    /// ```
    /// let dr = doctor::Doctor::new(None);
    /// assert_eq!(dr.possible_replies("we are late").len(), 3 + 3); // no history yet
    /// ```
    pub fn possible_replies(&self, sentence: &str) -> Vec<String> {
        let changed = change_person(sentence.trim_end());
        let hedges = HEDGES.iter().map(|hedge| hedge.to_string());
        let qualified = QUALIFIERS.iter().map(|q| format!("{q}{changed}"));
        let remembered = if self.history.len() > 3 {
            &self.history[..]
        } else {
            &[]
        };
        let earlier = remembered
            .iter()
            .map(|said| format!("{EARLIER}{}", change_person(said)));
        hedges.chain(qualified).chain(earlier).collect()
    }
}

/// One of `choices`, at random (Lambert's `random.choice`); `choices` is never empty.
fn pick<'a, T: AsRef<str>>(rng: &mut StdRng, choices: &'a [T]) -> &'a str {
    let index = rng.random_range(0..choices.len().max(1));
    choices.get(index).map_or("", AsRef::as_ref)
}

/// The sentence with its persons changed, word by word: `I` becomes `you`, `you`
/// becomes `I`, and so on (whatever the word's case). A word keeps the punctuation
/// around it; words are joined by single spaces, as Python's `" ".join(s.split())`.
///
/// ```
/// use doctor::change_person;
///
/// assert_eq!(change_person("I am sad about my dog"), "you are sad about your dog");
/// assert_eq!(change_person("Are YOU listening to me?"), "Are I listening to you?");
/// assert_eq!(change_person("\"Mine,\" we said."), "\"yours,\" you said.");
/// ```
pub fn change_person(sentence: &str) -> String {
    sentence
        .split_whitespace()
        .map(change_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word with its person changed, the punctuation before and after it kept.
fn change_word(word: &str) -> String {
    // The word itself: from its first letter (or digit) to its last.
    let Some(start) = word.find(char::is_alphanumeric) else {
        return word.to_string();
    };
    let end = word
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_alphanumeric())
        .map_or(word.len(), |(i, c)| i + c.len_utf8());
    let (before, core, after) = (&word[..start], &word[start..end], &word[end..]);
    match REPLACEMENTS
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(core))
    {
        Some((_, to)) => format!("{before}{to}{after}"),
        None => word.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds of reply, as a test tells them apart.
    #[derive(Debug, PartialEq)]
    enum Kind {
        Hedge,
        Qualifier,
        Earlier,
    }

    fn kind(reply: &str) -> Kind {
        if HEDGES.contains(&reply) {
            Kind::Hedge
        } else if reply.starts_with(EARLIER) {
            Kind::Earlier
        } else {
            assert!(QUALIFIERS.iter().any(|q| reply.starts_with(q)), "{reply}");
            Kind::Qualifier
        }
    }

    #[test]
    fn persons_change_word_by_word() {
        assert_eq!(
            change_person("I am sad about my dog"),
            "you are sad about your dog"
        );
        assert_eq!(change_person("we told us"), "you told you");
        assert_eq!(change_person("it is mine"), "it is yours");
        assert_eq!(change_person("you took your coat"), "I took my coat");
        assert_eq!(change_person("is it yours"), "is it mine");
        assert_eq!(change_person("give it to me"), "give it to you");
    }

    #[test]
    fn persons_change_in_any_case() {
        assert_eq!(
            change_person("i AM sad about My dog"),
            "you are sad about your dog"
        );
        assert_eq!(change_person("YOU and YoUr mother"), "I and my mother");
    }

    #[test]
    fn punctuation_around_a_word_is_kept() {
        assert_eq!(
            change_person("I am sad about my dog."),
            "you are sad about your dog."
        );
        assert_eq!(change_person("Me? (mine!), you..."), "you? (yours!), I...");
        assert_eq!(change_person("\"my\" 'dog'"), "\"your\" 'dog'");
    }

    #[test]
    fn other_words_are_left_alone() {
        // Only whole words change: not inside a word, not across an apostrophe.
        assert_eq!(
            change_person("Iam mythical, I'm youthful"),
            "Iam mythical, I'm youthful"
        );
        assert_eq!(change_person("café ... 42 — ok"), "café ... 42 — ok");
    }

    #[test]
    fn words_are_joined_by_one_space() {
        assert_eq!(change_person("  I \t am\n  here  \n"), "you are here");
        assert_eq!(change_person(""), "");
        assert_eq!(change_person(" \n"), "");
    }

    #[test]
    fn the_greeting_is_lamberts() {
        assert_eq!(
            Doctor::new(Some(0)).greeting(),
            "Good morning, I hope you are well today.\nWhat can I do for you?"
        );
    }

    #[test]
    fn a_qualifier_repeats_the_sentence_with_persons_changed_and_no_newline() {
        for seed in 0..40 {
            let mut dr = Doctor::new(Some(seed));
            let reply = dr.reply("I am sad about my dog\n");
            if kind(&reply) == Kind::Qualifier {
                assert!(
                    reply.ends_with("that you are sad about your dog")
                        || reply.ends_with("why you are sad about your dog"),
                    "{reply:?}"
                );
            }
        }
    }

    #[test]
    fn every_reply_is_one_the_doctor_could_give() {
        for seed in 0..20 {
            let mut dr = Doctor::new(Some(seed));
            for i in 0..20 {
                let sentence = format!("I lost my key number {i} \r\n");
                let possible = dr.possible_replies(&sentence);
                let reply = dr.reply(&sentence);
                assert!(possible.contains(&reply), "{reply:?} not in {possible:?}");
            }
        }
    }

    #[test]
    fn earlier_sentences_come_back_only_once_there_are_more_than_three() {
        let mut earlier_after_four = 0;
        for seed in 0..200 {
            let mut dr = Doctor::new(Some(seed));
            for i in 0..8 {
                let reply = dr.reply(&format!("I said thing {i}"));
                if kind(&reply) == Kind::Earlier {
                    assert!(i >= 4, "seed {seed}: {reply:?} after {i} sentences");
                    // An earlier sentence: never the one just said.
                    let said: usize = reply.rsplit(' ').next().unwrap_or("").parse().unwrap_or(99);
                    assert!(said < i, "seed {seed}: {reply:?} at sentence {i}");
                    earlier_after_four += 1;
                }
            }
        }
        assert!(earlier_after_four > 0, "the Doctor never remembered");
    }

    #[test]
    fn hedges_memories_and_qualifiers_come_one_two_and_one_in_four() {
        let mut dr = Doctor::new(Some(42));
        for i in 0..4 {
            dr.reply(&format!("warming up {i}"));
        }
        let (mut hedges, mut earlier, mut qualifiers) = (0i32, 0, 0);
        for i in 0..4000 {
            match kind(&dr.reply(&format!("sentence {i}"))) {
                Kind::Hedge => hedges += 1,
                Kind::Earlier => earlier += 1,
                Kind::Qualifier => qualifiers += 1,
            }
        }
        // 1 in 4, 1 in 4 and 2 in 4 of 4000, give or take 200.
        for (count, expected, what) in [
            (hedges, 1000, "hedges"),
            (earlier, 1000, "memories"),
            (qualifiers, 2000, "qualifiers"),
        ] {
            assert!((count - expected).abs() < 200, "{what}: {count} of 4000");
        }
    }

    #[test]
    fn each_hedge_and_each_qualifier_is_used() {
        let mut dr = Doctor::new(Some(3));
        let replies: Vec<String> = (0..200).map(|_| dr.reply("hello")).collect();
        for hedge in HEDGES {
            assert!(replies.iter().any(|r| r == hedge), "{hedge:?} never used");
        }
        for qualifier in QUALIFIERS {
            let whole = format!("{qualifier}hello");
            assert!(replies.contains(&whole), "{qualifier:?} never used");
        }
    }

    #[test]
    fn a_seed_makes_the_whole_conversation_repeatable() {
        let conversation = |seed| {
            let mut dr = Doctor::new(Some(seed));
            (0..30)
                .map(|i| dr.reply(&format!("I think {i}")))
                .collect::<Vec<_>>()
        };
        assert_eq!(conversation(5), conversation(5));
        assert_ne!(conversation(5), conversation(6));
    }

    #[test]
    fn history_keeps_the_sentence_without_trailing_whitespace_and_at_most_memory() {
        let mut dr = Doctor::new(Some(9));
        for i in 0..MEMORY + 50 {
            dr.reply(&format!("  my word {i} \n"));
        }
        assert_eq!(dr.history.len(), MEMORY);
        assert_eq!(dr.history[0], "  my word 50");
        assert_eq!(dr.history[MEMORY - 1], format!("  my word {}", MEMORY + 49));
    }
}
