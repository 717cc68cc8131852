#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[global_allocator]
static ALLOCATOR: hookdesk_core::Allocator = hookdesk_core::Allocator;

fn main() {
    hookdesk_desktop_lib::run()
}
