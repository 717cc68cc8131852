//! Core integration tests: one binary, a real SQLite file per test, receivers on 127.0.0.1:0.

mod support;

mod db_open;
