//! Validated domain types: a value of these types is valid by construction.

pub mod address;
mod auth;
mod delivery_state;
mod generated;
mod header;
mod hook;
mod label;
mod order_webhook;
pub mod retry;
mod secret;
mod store;
mod url;

pub use auth::{
    check_whsec, AuthInput, HookAuth, HookSignature, KeySource, PreviousSecret, SignatureInput,
};
pub use delivery_state::{DeliveryStatus, Destination, Trigger};
pub use generated::{generate_signature_key, generate_whsec};
pub use header::{check_header_value, HeaderName, HeaderValue};
pub use hook::{HookInput, HookSpec, StoreScope, TimeoutMs};
pub use label::Label;
pub use order_webhook::{OrderWebhookSettings, OrderWebhooksPatch, UrlToggle, UrlTogglePatch};
pub use retry::RetryPreset;
pub use secret::{mask, Secret};
pub use store::{MerchKey, RestaurantId, Store, StoreId, StoreInput};
pub use url::WebhookUrl;
