//! The model: what an episode is made of and the calendar it lives in.
//!
//! Time ([`time`]: day numbers, notice times, Stockholm time), the Swedish calendar
//! ([`calendar`]), municipalities and counties ([`municipality`]), periods ([`period`]), the
//! episode itself ([`episode`]) and the reference data the indicators divide by
//! ([`reference`](mod@reference): population and beds). These modules depend only on the crate's bottom layer
//! (text helpers, [`crate::problem`], [`crate::error`]) and on each other in that order.

pub mod calendar;
pub mod episode;
pub mod municipality;
pub mod period;
pub mod reference;
pub mod time;
