//! Streams that follow `nextPageToken` to the last page.

use futures_util::TryStreamExt;
use futures_util::stream::{self, Stream};

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;
use crate::response_body::ResponseBody;

/// Sends `request`, then again with the query parameter `page_token` set to
/// each page's next token (`next_token`), and yields every page. Ends after
/// the first page without a token (or with an empty one), or at the first
/// error, a repeated token among them ([`following`]).
pub(crate) fn pages<T, F>(
    client: Client,
    request: Request,
    page_token: &'static str,
    next_token: F,
) -> impl Stream<Item = Result<T, Error>> + Send
where
    T: ResponseBody + Send + 'static,
    F: Fn(&T) -> Option<String> + Send + 'static,
{
    follow(client, request, page_token, move |page: T| {
        let token = next_token(&page);
        (page, token)
    })
}

/// Like [`pages`], but yields the items of every page, one by one;
/// `split` takes a page apart into its items and its next token.
pub(crate) fn items<T, I, F>(
    client: Client,
    request: Request,
    page_token: &'static str,
    split: F,
) -> impl Stream<Item = Result<I, Error>> + Send
where
    T: ResponseBody + Send + 'static,
    I: Send + 'static,
    F: Fn(T) -> (Vec<I>, Option<String>) + Send + 'static,
{
    follow(client, request, page_token, split)
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
}

/// The one loop under both: fetch a page, take what to yield and the next
/// token out of it with `split`, repeat while there is a token. A repeated
/// token ends the stream with its error after the page that carried it.
fn follow<T, P, F>(
    client: Client,
    request: Request,
    page_token: &'static str,
    split: F,
) -> impl Stream<Item = Result<P, Error>> + Send
where
    T: ResponseBody + Send + 'static,
    P: Send + 'static,
    F: Fn(T) -> (P, Option<String>) + Send + 'static,
{
    let state = (client, Ok(Some(request)), split);
    stream::try_unfold(state, move |(client, next, split)| async move {
        let Some(request) = next? else {
            return Ok(None);
        };
        let page: T = client.execute_json(&request).await?;
        let (yielded, token) = split(page);
        let next = following(request, page_token, token);
        Ok(Some((yielded, (client, next, split))))
    })
}

/// The request for the page after `current`, if there is one: `current`
/// with `page_token` set to `token` (`None` or empty on the last page).
///
/// A server that hands back the token it was sent would be asked for the
/// same page forever: that is [`Error::RepeatedPageToken`]. Every loop that
/// follows page tokens (`pages`, `items`, a sync) goes through here.
pub(crate) fn following(
    mut current: Request,
    page_token: &'static str,
    token: Option<String>,
) -> Result<Option<Request>, Error> {
    let Some(token) = token.filter(|token| !token.is_empty()) else {
        return Ok(None);
    };
    if current.query(page_token).next() == Some(token.as_str()) {
        return Err(Error::RepeatedPageToken { method: current.spec().id, token });
    }
    current.set_query(page_token, token);
    Ok(Some(current))
}
