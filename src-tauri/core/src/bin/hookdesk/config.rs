//! `hookdesk store`, `hook`, `order-webhooks`, `export` and `import`: webhook configuration.
//! Secret values come from the environment (HOOKDESK_AUTH_VALUE, HOOKDESK_SIGNING_KEY), never from argv.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use hookdesk_core::auth::Permission;
use hookdesk_core::config::{self, hooks::HookFilter, FreshCode};
use hookdesk_core::domain::{
    AuthInput, HookInput, KeySource, OrderWebhooksPatch, Secret, SignatureInput, StoreInput,
    UrlTogglePatch,
};
use hookdesk_core::{Ctx, Error, Result};
use serde_json::json;

use super::auth::session_actor;
use super::{print, to_json};

pub const AUTH_VALUE_ENV: &str = "HOOKDESK_AUTH_VALUE";
pub const SIGNING_KEY_ENV: &str = "HOOKDESK_SIGNING_KEY";

#[derive(Subcommand)]
pub enum ConfigCmd {
    /// Stores (restaurants and merchant locations).
    #[command(subcommand)]
    Store(StoreCmd),
    /// Webhook endpoints.
    #[command(subcommand)]
    Hook(HookCmd),
    /// A store's Integration Hub order-webhook page.
    #[command(name = "order-webhooks", subcommand)]
    OrderWebhooks(OrderWebhooksCmd),
    /// Print the configuration as JSON (secrets excluded).
    Export,
    /// Import a configuration file written by `export`; nothing is written unless all of it is valid.
    Import {
        /// The JSON file to read.
        file: PathBuf,
        /// A current two-factor code, needed when the file allows private-network targets.
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum StoreCmd {
    /// Add a store.
    Add {
        /// The store's id, a slug such as store-12.
        id: String,
        /// The store's display name.
        #[arg(long)]
        name: String,
        /// The payment merchant key used in merchant events.
        #[arg(long)]
        merch_key: Option<String>,
        /// The 24-hex restaurant id used in order-injection events.
        #[arg(long, value_name = "HEX24")]
        restaurant_id: Option<String>,
    },
    /// List stores.
    List,
    /// Rename a store or change its merchant key or restaurant id; the id stays.
    Edit {
        /// The store's id.
        id: String,
        /// The new display name.
        #[arg(long)]
        name: Option<String>,
        /// The payment merchant key (merchant envelopes); an empty value clears it.
        #[arg(long)]
        merch_key: Option<String>,
        /// The 24-hex restaurant id (order-injection envelopes); an empty value clears it.
        #[arg(long, value_name = "HEX24")]
        restaurant_id: Option<String>,
    },
    /// Delete a store; refused while a hook is scoped to it alone or it has an order-webhook page.
    Delete {
        /// The store's id.
        id: String,
    },
}

#[derive(Subcommand)]
pub enum HookCmd {
    /// Add a hook; prints it with secrets masked.
    Add(HookFlags),
    /// Change a hook; flags not given keep their value.
    Edit {
        /// The hook to change.
        id: String,
        #[command(flatten)]
        flags: HookFlags,
        /// Replace authentication and signature with the ones given (otherwise they are kept).
        #[arg(long)]
        reset_auth: bool,
    },
    /// List hooks (secrets masked).
    List {
        /// Only hooks whose label or URL contains this text.
        #[arg(long)]
        search: Option<String>,
        /// Only hooks subscribed to this event type.
        #[arg(long)]
        event: Option<String>,
        /// Only hooks that deliver for this store.
        #[arg(long)]
        store: Option<String>,
        /// Only enabled (true) or disabled (false) hooks.
        #[arg(long, value_name = "true|false")]
        enabled: Option<bool>,
    },
    /// Show one hook (secrets masked).
    Show {
        /// The hook to show.
        id: String,
    },
    /// Delete a hook.
    Delete {
        /// The hook to delete.
        id: String,
    },
    /// Turn a hook on.
    Enable {
        /// The hook to enable.
        id: String,
    },
    /// Turn a hook off; nothing is sent to it until it is enabled again.
    Disable {
        /// The hook to disable.
        id: String,
    },
    /// Print the hook's signing secret once (admin or manager; needs a fresh two-factor code).
    RevealSecret {
        /// The hook's id (hk_…).
        id: String,
        /// A current two-factor code from your authenticator app.
        #[arg(long)]
        code: Option<String>,
    },
    /// Replace the signing secret and print the new one once as "newSecret". A new secret is generated
    /// unless HOOKDESK_SIGNING_KEY holds one.
    RollSecret {
        /// The hook's id (hk_…).
        id: String,
        /// A current two-factor code from your authenticator app.
        #[arg(long)]
        code: Option<String>,
        /// Hours the old Standard Webhooks secret keeps signing beside the new one: 0-168, default 24;
        /// 0 switches at once. X-Signature always switches at once.
        #[arg(long, value_name = "N")]
        overlap_hours: Option<u32>,
    },
    /// Replace the authentication value (from HOOKDESK_AUTH_VALUE) at once; there is no overlap.
    ReplaceAuth {
        /// The hook's id (hk_…).
        id: String,
        /// A current two-factor code from your authenticator app.
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Args, Default)]
pub struct HookFlags {
    /// A name for the hook, shown in lists.
    #[arg(long)]
    label: Option<String>,
    /// Where events are sent (https, or http for private-network hooks).
    #[arg(long)]
    url: Option<String>,
    /// An event type to subscribe to; repeat for more.
    #[arg(long = "event", value_name = "E")]
    events: Vec<String>,
    /// A store whose events the hook receives; repeat for more.
    #[arg(long = "store", value_name = "S", conflicts_with = "all_stores")]
    stores: Vec<String>,
    /// Receive the events of every store (integrator level).
    #[arg(long)]
    all_stores: bool,
    /// The app type, for order-status and rider events.
    #[arg(long, value_parser = ["channel", "pos", "rider", "loyalty"])]
    app_type: Option<String>,
    /// How the hook authenticates; the value comes from HOOKDESK_AUTH_VALUE.
    #[arg(long, value_parser = ["none", "header", "bearer", "authorization", "basic"])]
    auth: Option<String>,
    /// The header name, for --auth header.
    #[arg(long)]
    auth_name: Option<String>,
    /// The user name, for --auth basic.
    #[arg(long)]
    auth_username: Option<String>,
    /// How requests are signed; the key comes from HOOKDESK_SIGNING_KEY.
    #[arg(long, value_parser = ["none", "source-key", "signature-key", "standard"])]
    signature: Option<String>,
    /// The retry schedule after a failed try.
    #[arg(long, value_parser = ["standard", "usaepay", "ordatic"])]
    retry: Option<String>,
    /// `--ordered` or `--ordered=false`.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    ordered: Option<bool>,
    /// `--allow-private-network` (needs --code) or `--allow-private-network=false`.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    allow_private_network: Option<bool>,
    /// How long one try may take, in milliseconds.
    #[arg(long)]
    timeout_ms: Option<i64>,
    /// A current two-factor code, needed to allow private-network targets.
    #[arg(long)]
    code: Option<String>,
}

#[derive(Subcommand)]
pub enum OrderWebhooksCmd {
    /// Change the page; header value from HOOKDESK_AUTH_VALUE. Flags not given keep their value.
    Set {
        /// The store whose page changes.
        #[arg(long)]
        store: String,
        /// The request header's name; its value comes from HOOKDESK_AUTH_VALUE.
        #[arg(long)]
        header_name: Option<String>,
        /// Where order.open events go.
        #[arg(long)]
        open_url: Option<String>,
        /// Send order.open events.
        #[arg(long, value_parser = on_off, value_name = "on|off")]
        open: Option<bool>,
        /// Where order.update events go.
        #[arg(long)]
        update_url: Option<String>,
        /// Send order.update events.
        #[arg(long, value_parser = on_off, value_name = "on|off")]
        update: Option<bool>,
        /// Where order.close events go.
        #[arg(long)]
        close_url: Option<String>,
        /// Send order.close events.
        #[arg(long, value_parser = on_off, value_name = "on|off")]
        close: Option<bool>,
        /// "3rd Order Web Hooks is Active": POS-sourced orders go to the Open URL too.
        #[arg(long, value_parser = on_off, value_name = "on|off")]
        third_party: Option<bool>,
        /// Allow private-network (LAN) targets; turning it on needs --code.
        #[arg(long, value_parser = on_off, value_name = "on|off")]
        allow_private_network: Option<bool>,
        /// A current two-factor code, needed to allow private-network targets.
        #[arg(long)]
        code: Option<String>,
    },
    /// Show a store's page (the header value masked).
    Show {
        /// The store whose page is shown.
        #[arg(long)]
        store: String,
    },
}

fn on_off(s: &str) -> std::result::Result<bool, String> {
    match s {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err("use on or off".into()),
    }
}

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

fn fresh(code: &Option<String>) -> Option<FreshCode<'_>> {
    code.as_deref().map(FreshCode::totp)
}

pub fn run(cmd: &ConfigCmd, data_dir: &Path, json_out: bool) -> Result<()> {
    let ctx = Ctx::open(data_dir)?;
    let out = match cmd {
        ConfigCmd::Store(StoreCmd::Add {
            id,
            name,
            merch_key,
            restaurant_id,
        }) => {
            let actor = session_actor(&ctx, Permission::EditHooks)?;
            let input = StoreInput {
                id: id.clone(),
                name: name.clone(),
                merch_key: merch_key.clone(),
                restaurant_id: restaurant_id.clone(),
            };
            to_json(&config::stores::add(&ctx, &actor, &input)?)?
        }
        ConfigCmd::Store(StoreCmd::List) => {
            let actor = session_actor(&ctx, Permission::ReadHooks)?;
            to_json(&config::stores::list(&ctx, &actor)?)?
        }
        ConfigCmd::Store(StoreCmd::Edit {
            id,
            name,
            merch_key,
            restaurant_id,
        }) => {
            let actor = session_actor(&ctx, Permission::EditHooks)?;
            let patch = config::stores::StorePatch {
                name: name.clone(),
                merch_key: merch_key.clone(),
                restaurant_id: restaurant_id.clone(),
            };
            to_json(&config::stores::edit(&ctx, &actor, id, &patch)?)?
        }
        ConfigCmd::Store(StoreCmd::Delete { id }) => {
            let actor = session_actor(&ctx, Permission::EditHooks)?;
            config::stores::delete(&ctx, &actor, id)?;
            json!({"deleted": id})
        }
        ConfigCmd::Hook(cmd) => hook(&ctx, cmd)?,
        ConfigCmd::OrderWebhooks(OrderWebhooksCmd::Show { store }) => {
            let actor = session_actor(&ctx, Permission::ReadHooks)?;
            to_json(&config::order_webhooks::get(&ctx, &actor, store)?)?
        }
        ConfigCmd::OrderWebhooks(OrderWebhooksCmd::Set {
            store,
            header_name,
            open_url,
            open,
            update_url,
            update,
            close_url,
            close,
            third_party,
            allow_private_network,
            code,
        }) => {
            let actor = session_actor(&ctx, Permission::EditHooks)?;
            let row = |url: &Option<String>, enabled: &Option<bool>| {
                (url.is_some() || enabled.is_some()).then(|| UrlTogglePatch {
                    url: url.clone(),
                    enabled: *enabled,
                })
            };
            let patch = OrderWebhooksPatch {
                header_name: header_name.clone(),
                header_value: env_secret(AUTH_VALUE_ENV),
                open: row(open_url, open),
                update: row(update_url, update),
                close: row(close_url, close),
                third_party_active: *third_party,
                allow_private_network: *allow_private_network,
            };
            to_json(&config::order_webhooks::set(
                &ctx,
                &actor,
                store,
                &patch,
                fresh(code),
            )?)?
        }
        ConfigCmd::Export => {
            let actor = session_actor(&ctx, Permission::ReadHooks)?;
            to_json(&config::transfer::export(&ctx, &actor)?)?
        }
        ConfigCmd::Import { file, code } => {
            let actor = session_actor(&ctx, Permission::EditHooks)?;
            let text = std::fs::read_to_string(file).map_err(|e| {
                Error::invalid("file", format!("{} cannot be read: {e}", file.display()))
            })?;
            to_json(&config::transfer::import_json(
                &ctx,
                &actor,
                &text,
                fresh(code),
            )?)?
        }
    };
    print(json_out, &out);
    Ok(())
}

fn hook(ctx: &Ctx, cmd: &HookCmd) -> Result<serde_json::Value> {
    let read = || session_actor(ctx, Permission::ReadHooks);
    let edit = || session_actor(ctx, Permission::EditHooks);
    match cmd {
        HookCmd::Add(f) => {
            let input = f.apply(HookInput::default());
            to_json(&config::hooks::create(
                ctx,
                &edit()?,
                &input,
                fresh(&f.code),
            )?)
        }
        HookCmd::Edit {
            id,
            flags,
            reset_auth,
        } => {
            let actor = edit()?;
            let current = config::hooks::get(ctx, &actor, id)?;
            let base = HookInput {
                label: current.label,
                url: current.url,
                events: current
                    .events
                    .iter()
                    .map(|e| e.name().to_string())
                    .collect(),
                all_stores: current.all_stores,
                stores: current
                    .stores
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
                app_type: current.app_type.map(|a| a.as_str().to_string()),
                retry_preset: Some(current.retry_preset.as_str().to_string()),
                ordered: current.ordered,
                allow_private_network: current.allow_private_network,
                timeout_ms: Some(i64::from(current.timeout_ms)),
                ..HookInput::default()
            };
            let input = flags.apply(base);
            to_json(&config::hooks::update(
                ctx,
                &actor,
                id,
                &input,
                *reset_auth,
                fresh(&flags.code),
            )?)
        }
        HookCmd::List {
            search,
            event,
            store,
            enabled,
        } => {
            let filter = HookFilter {
                search: search.clone(),
                event: event.clone(),
                store: store.clone(),
                enabled: *enabled,
            };
            to_json(&config::hooks::list(ctx, &read()?, &filter)?)
        }
        HookCmd::Show { id } => to_json(&config::hooks::get(ctx, &read()?, id)?),
        HookCmd::Delete { id } => {
            config::hooks::delete(ctx, &edit()?, id)?;
            Ok(json!({"deleted": id}))
        }
        HookCmd::Enable { id } => to_json(&config::hooks::set_enabled(ctx, &edit()?, id, true)?),
        HookCmd::Disable { id } => to_json(&config::hooks::set_enabled(ctx, &edit()?, id, false)?),
        // Signed in is enough to get this far: the core checks the role itself, so refusals are audited.
        HookCmd::RevealSecret { id, code } => {
            let secret = config::secrets::reveal(ctx, &read()?, id, code.as_deref())?;
            to_json(&json!({ "secret": secret }))
        }
        HookCmd::RollSecret {
            id,
            code,
            overlap_hours,
        } => {
            let roll = config::secrets::Roll {
                secret: env_secret(SIGNING_KEY_ENV),
                overlap_hours: *overlap_hours,
            };
            to_json(&config::secrets::roll(
                ctx,
                &read()?,
                id,
                code.as_deref(),
                roll,
            )?)
        }
        HookCmd::ReplaceAuth { id, code } => {
            let value = env_secret(AUTH_VALUE_ENV).ok_or_else(|| {
                Error::invalid("value", format!("put the new value in {AUTH_VALUE_ENV}"))
            })?;
            to_json(&config::secrets::replace_auth(
                ctx,
                &read()?,
                id,
                code.as_deref(),
                value,
            )?)
        }
    }
}

impl HookFlags {
    /// The flags given, laid over `base` (empty for `add`, the current hook for `edit`).
    fn apply(&self, mut input: HookInput) -> HookInput {
        if let Some(l) = &self.label {
            input.label = l.clone();
        }
        if let Some(u) = &self.url {
            input.url = u.clone();
        }
        if !self.events.is_empty() {
            input.events = self.events.clone();
        }
        if self.all_stores {
            input.all_stores = true;
            input.stores.clear();
        } else if !self.stores.is_empty() {
            input.all_stores = false;
            input.stores = self.stores.clone();
        }
        if let Some(a) = &self.app_type {
            input.app_type = Some(a.clone());
        }
        if let Some(r) = &self.retry {
            input.retry_preset = Some(r.clone());
        }
        if let Some(o) = self.ordered {
            input.ordered = o;
        }
        if let Some(p) = self.allow_private_network {
            input.allow_private_network = p;
        }
        if let Some(t) = self.timeout_ms {
            input.timeout_ms = Some(t);
        }
        input.auth = self.auth_input();
        input.signature = self.signature_input();
        input
    }

    fn auth_input(&self) -> AuthInput {
        let value = || env_secret(AUTH_VALUE_ENV).unwrap_or_else(|| Secret::new(""));
        match self.auth.as_deref().unwrap_or("none") {
            "header" => AuthInput::Header {
                name: self.auth_name.clone().unwrap_or_default(),
                value: value(),
            },
            "bearer" => AuthInput::Bearer { token: value() },
            "authorization" => AuthInput::Authorization { value: value() },
            "basic" => AuthInput::Basic {
                username: self.auth_username.clone().unwrap_or_default(),
                password: value(),
            },
            _ => AuthInput::None,
        }
    }

    fn signature_input(&self) -> SignatureInput {
        let key = || env_secret(SIGNING_KEY_ENV).unwrap_or_else(|| Secret::new(""));
        match self.signature.as_deref().unwrap_or("none") {
            "source-key" => SignatureInput::XSignature {
                key_source: KeySource::SourceKey,
                key: key(),
            },
            "signature-key" => SignatureInput::XSignature {
                key_source: KeySource::SignatureKey,
                key: key(),
            },
            "standard" => SignatureInput::Standard {
                secret: env_secret(SIGNING_KEY_ENV),
            },
            _ => SignatureInput::None,
        }
    }
}
