//! The local time, written the way Python's `time.ctime()` writes it.
//!
//! The time servers of the lessons send `time.ctime(time.time())`, such as
//! `Wed Dec 29 19:14:15 2017`: the day of the week, the month, the day of the month
//! padded with a space to two characters, the time and the year, in the machine's
//! own time zone. std knows no time zones, so this uses the jiff crate.

use jiff::Zoned;

/// The format of `time.ctime()`: `%e` is the day of the month padded with a space.
const CTIME: &str = "%a %b %e %H:%M:%S %Y";

/// The current local time as `time.ctime()` writes it.
///
/// ```
/// let now = lab_common::clock::ctime_now();
/// assert_eq!(now.len(), 24); // "Wed Dec 29 19:14:15 2017"
/// ```
pub fn ctime_now() -> String {
    ctime(&Zoned::now())
}

/// `time` as `time.ctime()` writes it.
///
/// ```
/// let time: jiff::Zoned = "2017-12-09T19:14:15[UTC]".parse().unwrap();
/// assert_eq!(lab_common::clock::ctime(&time), "Sat Dec  9 19:14:15 2017");
/// ```
pub fn ctime(time: &Zoned) -> String {
    time.strftime(CTIME).to_string()
}
