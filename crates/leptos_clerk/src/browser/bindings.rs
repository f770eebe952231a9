//! Raw wasm-bindgen declarations of the ClerkJS objects this crate touches.
//!
//! Every call is a structural property access or method call on objects that
//! ClerkJS created (`window.Clerk` and its resources): no `eval`, no `Function`.
//! The safe, Rust-typed surface lives in [`super::Clerk`].

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The ClerkJS instance (`window.Clerk`).
    #[derive(Clone, Debug)]
    pub type JsClerk;

    #[wasm_bindgen(method, getter)]
    pub fn loaded(this: &JsClerk) -> bool;
    #[wasm_bindgen(method, catch)]
    pub fn load(this: &JsClerk, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, getter)]
    pub fn user(this: &JsClerk) -> Option<JsUser>;
    #[wasm_bindgen(method, getter)]
    pub fn session(this: &JsClerk) -> Option<JsSession>;
    #[wasm_bindgen(method, getter)]
    pub fn organization(this: &JsClerk) -> Option<JsOrganization>;
    #[wasm_bindgen(method, js_name = addListener)]
    pub fn add_listener(this: &JsClerk, callback: &Function) -> Function;

    #[wasm_bindgen(method, catch, js_name = mountSignIn)]
    pub fn mount_sign_in(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountSignIn)]
    pub fn unmount_sign_in(this: &JsClerk, node: &web_sys::Element) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountSignUp)]
    pub fn mount_sign_up(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountSignUp)]
    pub fn unmount_sign_up(this: &JsClerk, node: &web_sys::Element) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountUserButton)]
    pub fn mount_user_button(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountUserButton)]
    pub fn unmount_user_button(this: &JsClerk, node: &web_sys::Element) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountUserProfile)]
    pub fn mount_user_profile(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountUserProfile)]
    pub fn unmount_user_profile(this: &JsClerk, node: &web_sys::Element) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = mountOrganizationSwitcher)]
    pub fn mount_organization_switcher(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountOrganizationSwitcher)]
    pub fn unmount_organization_switcher(
        this: &JsClerk,
        node: &web_sys::Element,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountOrganizationProfile)]
    pub fn mount_organization_profile(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountOrganizationProfile)]
    pub fn unmount_organization_profile(
        this: &JsClerk,
        node: &web_sys::Element,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountCreateOrganization)]
    pub fn mount_create_organization(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountCreateOrganization)]
    pub fn unmount_create_organization(
        this: &JsClerk,
        node: &web_sys::Element,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = mountOrganizationList)]
    pub fn mount_organization_list(
        this: &JsClerk,
        node: &web_sys::Element,
        props: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = unmountOrganizationList)]
    pub fn unmount_organization_list(
        this: &JsClerk,
        node: &web_sys::Element,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = setActive)]
    pub fn set_active(this: &JsClerk, params: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = openSignIn)]
    pub fn open_sign_in(this: &JsClerk, props: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = openSignUp)]
    pub fn open_sign_up(this: &JsClerk, props: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = redirectToSignIn)]
    pub fn redirect_to_sign_in(this: &JsClerk, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = redirectToSignUp)]
    pub fn redirect_to_sign_up(this: &JsClerk, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = signOut)]
    pub fn sign_out(this: &JsClerk, options: &JsValue) -> Result<JsValue, JsValue>;

    /// `Clerk.session`: the active session.
    #[derive(Clone, Debug)]
    pub type JsSession;

    #[wasm_bindgen(method, getter)]
    pub fn id(this: &JsSession) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &JsSession) -> Option<String>;
    #[wasm_bindgen(method, catch, js_name = getToken)]
    pub fn get_token(this: &JsSession, options: &JsValue) -> Result<Promise, JsValue>;

    /// `Clerk.user`: the signed-in user.
    #[derive(Clone, Debug)]
    pub type JsUser;

    #[wasm_bindgen(method, getter)]
    pub fn id(this: &JsUser) -> String;
    #[wasm_bindgen(method, getter, js_name = firstName)]
    pub fn first_name(this: &JsUser) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = lastName)]
    pub fn last_name(this: &JsUser) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn username(this: &JsUser) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = primaryEmailAddress)]
    pub fn primary_email_address(this: &JsUser) -> Option<JsEmailAddress>;
    #[wasm_bindgen(method, getter, js_name = imageUrl)]
    pub fn image_url(this: &JsUser) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = publicMetadata)]
    pub fn public_metadata(this: &JsUser) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = unsafeMetadata)]
    pub fn unsafe_metadata(this: &JsUser) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = organizationMemberships)]
    pub fn organization_memberships(this: &JsUser) -> Option<Array>;

    /// `user.primaryEmailAddress`.
    #[derive(Clone, Debug)]
    pub type JsEmailAddress;

    #[wasm_bindgen(method, getter, js_name = emailAddress)]
    pub fn email_address(this: &JsEmailAddress) -> Option<String>;

    /// `Clerk.organization` and `membership.organization`.
    #[derive(Clone, Debug)]
    pub type JsOrganization;

    #[wasm_bindgen(method, getter)]
    pub fn id(this: &JsOrganization) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn slug(this: &JsOrganization) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn name(this: &JsOrganization) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = imageUrl)]
    pub fn image_url(this: &JsOrganization) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = membersCount)]
    pub fn members_count(this: &JsOrganization) -> Option<f64>;

    /// One entry of `user.organizationMemberships`.
    #[derive(Clone, Debug)]
    pub type JsMembership;

    #[wasm_bindgen(method, getter)]
    pub fn role(this: &JsMembership) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub fn permissions(this: &JsMembership) -> Option<Array>;
    #[wasm_bindgen(method, getter)]
    pub fn organization(this: &JsMembership) -> Option<JsOrganization>;
}
