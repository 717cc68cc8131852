//! The wire format (docs/wire-formats.md): the body per event family, the headers with their
//! authentication and signatures, and the reading of an order-injection receiver's answer. Pure
//! functions with known-answer tests; nothing here sends or stores anything.

pub mod headers;
pub mod render;
pub mod response;
pub mod sign;
