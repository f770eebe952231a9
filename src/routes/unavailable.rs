//! What a page shows when Clerk, the sign-in service, is slow or down.

use leptos::prelude::*;

/// "Sign-in service unavailable, try again": rendered for [`AppError::Unavailable`]
/// (the response is already a 503 with `Retry-After`).
///
/// [`AppError::Unavailable`]: crate::AppError::Unavailable
#[component]
pub fn ServiceUnavailable(
    /// Seconds until trying again makes sense.
    retry_after_secs: u64,
) -> impl IntoView {
    view! {
        <section class="unavailable" id="service-unavailable">
            <h1>"Sign-in service unavailable"</h1>
            <p>
                "We could not reach the sign-in service to load this page. Nothing is lost: "
                "try again in " {retry_after_secs} " seconds."
            </p>
            <p><a href="">"Try again"</a></p>
        </section>
    }
}
