//! Core integration tests: one binary, a real SQLite file per test, receivers on 127.0.0.1:0.

mod support;

mod db_open;
mod wire_receiver;
mod wire_send;
mod wire_ssrf;
mod config_cli;
mod config_hooks;
mod config_order_webhooks;
mod config_secrets;
mod config_support;
mod config_transfer;
