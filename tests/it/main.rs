//! Core integration tests: one binary, a real SQLite file per test, receivers on 127.0.0.1:0.

mod support;

mod auth_cli;
mod auth_common;
mod auth_lockout;
mod auth_secrets;
mod auth_sessions;
mod auth_totp;
mod config_cli;
mod config_hooks;
mod config_order_webhooks;
mod config_secrets;
mod config_support;
mod config_transfer;
mod db_open;
mod engine_crash;
mod engine_flow;
mod engine_ingest;
mod engine_log;
mod engine_order;
mod engine_retry;
mod engine_routing;
mod engine_support;
mod faults_receivers;
mod keychain_cli;
mod keychain_open;
mod perf_engine;
mod security_access;
mod security_commands;
mod security_env;
mod security_gate;
mod security_props;
mod security_secrets;
mod wire_receiver;
mod wire_send;
mod wire_ssrf;
