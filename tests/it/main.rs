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
mod engine_support;
mod engine_routing;
mod security_env;
mod security_access;
mod security_commands;
mod auth_cli;
mod auth_common;
mod auth_lockout;
mod auth_secrets;
mod auth_sessions;
mod auth_totp;
mod security_gate;
mod engine_retry;
mod engine_order;
mod security_props;
mod engine_ingest;
mod engine_log;
mod engine_crash;
mod security_secrets;
