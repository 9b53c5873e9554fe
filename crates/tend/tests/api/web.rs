//! The agent web UI over HTTP: first-run setup, sign-in, the session
//! cookie, CSRF and origin checks, rate limiting, password change, the
//! inbox and conversation pages (access, sorting, bulk changes, locales),
//! message bodies in their sandbox, and live updates over SSE.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

pub const PASSWORD: &str = "correct horse battery";

/// A browser-like client: keeps the session cookie, sends the CSRF token
/// and a same-origin `Origin` on posts, and does not follow redirects.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookie: Option<String>,
    pub csrf: String,
    pub lang: String,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
            csrf: String::new(),
            lang: "en".into(),
        }
    }

    fn remember(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            if let Some(value) = pair.strip_prefix("tend_session=") {
                self.cookie = (!value.is_empty()).then(|| value.to_string());
            }
        }
    }

    /// `GET url` (any node) with the session cookie, the response as it
    /// comes (a stream, headers).
    pub async fn get_raw(&self, url: &str) -> reqwest::Response {
        let mut req = self.client.get(url);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, format!("tend_session={c}"));
        }
        req.send().await.unwrap()
    }

    pub async fn get(&mut self, path: &str) -> (StatusCode, String) {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept-language", &self.lang);
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, format!("tend_session={c}"));
        }
        let resp = req.send().await.unwrap();
        self.remember(&resp);
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let body = resp.text().await.unwrap();
        if let Some(token) = meta_csrf(&body) {
            self.csrf = token;
        }
        (status, location.unwrap_or(body))
    }

    /// Posts a form (adds `_csrf`); returns the status and the Location or body.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let origin = self.base.clone();
        self.post_from(path, form, Some(&origin), true).await
    }

    pub async fn post_from(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
        with_csrf: bool,
    ) -> (StatusCode, String) {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let csrf = self.csrf.clone();
        if with_csrf {
            fields.push(("_csrf", &csrf));
        }
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("accept-language", &self.lang)
            .form(&fields);
        if let Some(o) = origin {
            req = req.header(ORIGIN, o);
        }
        if let Some(c) = &self.cookie {
            req = req.header(COOKIE, format!("tend_session={c}"));
        }
        let resp = req.send().await.unwrap();
        self.remember(&resp);
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let body = resp.text().await.unwrap();
        (status, location.unwrap_or(body))
    }

    /// Signs in and loads the inbox (which sets the CSRF token).
    pub async fn sign_in(&mut self, email: &str, password: &str) {
        let (s, to) = self
            .post_from(
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
                None,
                false,
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "sign-in: {to}");
        let (s, page) = self.get("/").await;
        assert_eq!(s, StatusCode::OK, "{page}");
    }
}

/// Reads a live stream (`GET /live`) until it has said `needle`, for at
/// most 20 s; answers everything it said.
pub(crate) async fn live_until(resp: &mut reqwest::Response, needle: &str) -> String {
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while !buf.contains(needle) {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .unwrap_or_else(|_| panic!("{needle:?} not streamed within 20 s: {buf}"))
            .unwrap()
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
    buf
}

fn meta_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf-token\" content=\"")?;
    let rest = &html[i + "name=\"csrf-token\" content=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Creates an agent with a password through the service; returns its id.
pub async fn agent_with_password(app: &TestApp, email: &str, name: &str, role: &str) -> i64 {
    use tend::agents::Viewer;
    use tend::agents::model::Role;
    use tend::agents::service::{NewUser, create_user};
    create_user(
        &app.st,
        &Viewer::system(),
        NewUser {
            email: email.into(),
            name: name.into(),
            role: Role::parse(role).unwrap(),
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap()
    .id
}

pub(crate) async fn signed_in(
    app: &TestApp,
    email: &str,
    name: &str,
    role: &str,
) -> (i64, Browser) {
    let id = agent_with_password(app, email, name, role).await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    (id, b)
}

on_both_backends!(
    sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session,
    state_changes_need_the_csrf_token_and_our_origin,
    repeated_failed_sign_ins_are_refused,
    changing_the_password_ends_other_sessions,
    inbox_views_follow_access_and_sort_by_waiting,
    bulk_changes_apply_to_every_selected_conversation,
    the_conversation_page_shows_everything_and_transfers_need_a_reason,
);

async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(app: &TestApp) {
    agent_with_password(app, "ilze@example.lv", "Ilze", "agent").await;
    let mut b = Browser::new(&app.base);
    // Not signed in: the inbox sends you to the sign-in page.
    let (s, to) = b.get("/c/1").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(to, "/login?next=%2Fc%2F1");
    let resp = b
        .client
        .post(format!("{}/login", app.base))
        .form(&[
            ("email", "ilze@example.lv"),
            ("password", PASSWORD),
            ("next", "/c/1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[LOCATION], "/c/1");
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("tend_session=s_"), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "no Secure flag on plain http: {cookie}"
    );
    // Only the hash of the cookie is stored.
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("tend_session=");
    let stored: (String,) = sqlx::query_as("SELECT id_hash FROM web_sessions")
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    assert_ne!(stored.0, secret);
    // An open redirect is refused: `next` must be a local path.
    let (s, to) = b
        .post_from(
            "/login",
            &[
                ("email", "ilze@example.lv"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
            None,
            false,
        )
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"));
    let (s, _) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    let secret = b.cookie.clone().unwrap();
    let (s, to) = b.post("/logout", &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/login"));
    assert!(b.cookie.is_none(), "the cookie is cleared");
    // The old cookie no longer works either.
    b.cookie = Some(secret);
    let (s, to) = b.get("/").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/login"));
    // A wrong password is refused with the reason on the page.
    let (s, body) = b
        .post_from(
            "/login",
            &[("email", "ilze@example.lv"), ("password", "nope nope nope")],
            None,
            false,
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(body.contains("do not match"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cookie_is_secure_under_https() {
    let app = TestApp::start(
        crate::support::Backend::Sqlite,
        &[("TEND_PUBLIC_URL", "https://desk.example.com".into())],
    )
    .await
    .unwrap();
    agent_with_password(&app, "sec@example.com", "Sec", "agent").await;
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/login", app.base))
        .form(&[("email", "sec@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    app.finish().await;
}

async fn state_changes_need_the_csrf_token_and_our_origin(app: &TestApp) {
    let (_, mut b) = signed_in(app, "csrf@example.com", "Cee", "admin").await;
    let id = app
        .conversation("csrf target", "c@example.com", "hello", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/c/{id}/update");
    // Another site's form (cross-origin), even with a valid token.
    let (s, _) = b
        .post_from(
            &path,
            &[("status", "closed")],
            Some("http://evil.example"),
            true,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Our origin but no token.
    let base = app.base.clone();
    let (s, _) = b
        .post_from(&path, &[("status", "closed")], Some(&base), false)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A wrong token.
    b.csrf = "forged".into();
    let (s, _) = b.post(&path, &[("status", "closed")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "new", "nothing changed");
    // The real token from the page works.
    b.get("/").await;
    let (s, to) = b.post(&path, &[("status", "open")]).await;
    assert_eq!((s, to), (StatusCode::SEE_OTHER, format!("/c/{id}")));
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "open");
    // The API never takes the cookie for writes.
    let resp = b
        .client
        .patch(format!("{}/api/v1/conversations/{id}", app.base))
        .header(
            COOKIE,
            format!("tend_session={}", b.cookie.clone().unwrap()),
        )
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

async fn repeated_failed_sign_ins_are_refused(app: &TestApp) {
    agent_with_password(app, "rate@example.com", "Rate", "agent").await;
    let mut b = Browser::new(&app.base);
    for _ in 0..5 {
        let (s, _) = b
            .post_from(
                "/login",
                &[
                    ("email", "rate@example.com"),
                    ("password", "wrong password"),
                ],
                None,
                false,
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused until the window passes.
    let (s, body) = b
        .post_from(
            "/login",
            &[("email", "rate@example.com"), ("password", PASSWORD)],
            None,
            false,
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many failed attempts"), "{body}");
    // Other accounts are not locked out by it.
    agent_with_password(app, "other@example.com", "Other", "agent").await;
    b.sign_in("other@example.com", PASSWORD).await;
}

async fn changing_the_password_ends_other_sessions(app: &TestApp) {
    let (_, mut b1) = signed_in(app, "pw@example.com", "Pee", "agent").await;
    let mut b2 = Browser::new(&app.base);
    b2.sign_in("pw@example.com", PASSWORD).await;
    let (s, body) = b1
        .post(
            "/account/password",
            &[
                ("current", "not it at all"),
                ("password", "new password 1"),
                ("password2", "new password 1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("current password is not right"), "{body}");
    let (s, _) = b1
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "new password 1"),
                ("password2", "different 2"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, body) = b1
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "short"),
                ("password2", "short"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("8 characters"), "{body}");
    let (s, body) = b1
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("password", "new password 1"),
                ("password2", "new password 1"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // This session goes on; the other one is signed out.
    assert_eq!(b1.get("/").await.0, StatusCode::OK);
    assert_eq!(b2.get("/").await.0, StatusCode::SEE_OTHER);
    let mut b3 = Browser::new(&app.base);
    b3.sign_in("pw@example.com", "new password 1").await;
}

async fn inbox_views_follow_access_and_sort_by_waiting(app: &TestApp) {
    let support = app.inbox("email", Some("support@example.lv")).await;
    let hidden = app.inbox("email", Some("vip@example.lv")).await;
    let (agent_id, mut b) = signed_in(app, "agent@example.lv", "Agnese", "agent").await;
    app.team("Atbalsts", &[agent_id], &[support]).await;
    let mut ids = vec![];
    for (i, subject) in ["pirmais", "otrais", "trešais"].iter().enumerate() {
        let (s, c) = app
            .post(
                "/api/v1/conversations",
                &app.admin,
                json!({"subject": subject, "inbox_id": support,
                       "customer": {"email": format!("k{i}@example.lv")}, "message": {"text": "sveiki"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        ids.push(c["id"].as_i64().unwrap());
    }
    let (_, secret) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "slepens VIP", "inbox_id": hidden,
                   "customer": {"email": "vip@example.com"}, "message": {"text": "x"}}),
        )
        .await;
    let secret_id = secret["id"].as_i64().unwrap();
    // All open: longest waiting first (the first created waited longest).
    let (s, page) = b.get("/?view=open").await;
    assert_eq!(s, StatusCode::OK);
    let pos: Vec<usize> = ["pirmais", "otrais", "trešais"]
        .iter()
        .map(|t| {
            page.find(&format!(">{t}</a>"))
                .unwrap_or_else(|| panic!("{t} listed"))
        })
        .collect();
    assert!(
        pos[0] < pos[1] && pos[1] < pos[2],
        "oldest wait first: {pos:?}"
    );
    assert!(
        !page.contains("slepens VIP"),
        "another team's inbox is not listed"
    );
    // Its page is a 404 and its counts are not included.
    assert_eq!(
        b.get(&format!("/c/{secret_id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, counts) = b.get("/ui/counts").await;
    let counts: serde_json::Value = serde_json::from_str(&counts).unwrap();
    assert_eq!(counts["open"], 3, "{counts}");
    assert_eq!(counts["unassigned"], 3);
    assert_eq!(counts["mine"], 0);
    assert!(counts.get(format!("inbox-{hidden}")).is_none(), "{counts}");
    // Answering the first moves it down: the customer no longer waits.
    app.post(
        &format!("/api/v1/conversations/{}/messages", ids[0]),
        &app.admin,
        json!({"text": "Atbildam"}),
    )
    .await;
    let (_, page) = b.get("/?view=open").await;
    assert!(page.find(">pirmais</a>").unwrap() > page.find(">trešais</a>").unwrap());
    // Mine, filters and per-inbox views.
    app.patch(
        &format!("/api/v1/conversations/{}", ids[1]),
        &app.admin,
        json!({"assignee_id": agent_id, "priority": "high", "tags": ["rēķini"]}),
    )
    .await;
    let (_, mine) = b.get("/?view=mine").await;
    assert!(mine.contains(">otrais</a>") && !mine.contains(">pirmais</a>"));
    let (_, high) = b.get("/?view=open&priority=high").await;
    assert!(high.contains(">otrais</a>") && !high.contains(">trešais</a>"));
    let (_, tagged) = b.get("/?view=open&tag=R%C4%92%C4%B6INI").await;
    assert!(
        tagged.contains(">otrais</a>") && !tagged.contains(">trešais</a>"),
        "tags match case-insensitively"
    );
    let (_, per_inbox) = b.get(&format!("/?view=open&inbox={support}")).await;
    assert!(per_inbox.contains(">trešais</a>"));
    let (s, _) = b.get("/?view=open&status=bogus").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn bulk_changes_apply_to_every_selected_conversation(app: &TestApp) {
    let (me, mut b) = signed_in(app, "bulk@example.com", "Bulk", "admin").await;
    let a = app
        .conversation("one", "one@example.com", "hello", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let c = app
        .conversation("two", "two@example.com", "hello", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let (a_s, c_s) = (a.to_string(), c.to_string());
    let (s, to) = b
        .post(
            "/bulk",
            &[
                ("ids", &a_s),
                ("ids", &c_s),
                ("action", "assign"),
                ("assignee", "me"),
                ("back", "/?view=mine"),
            ],
        )
        .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/?view=mine"));
    b.post(
        "/bulk",
        &[
            ("ids", &a_s),
            ("ids", &c_s),
            ("action", "status"),
            ("status", "pending"),
        ],
    )
    .await;
    b.post(
        "/bulk",
        &[
            ("ids", &a_s),
            ("ids", &c_s),
            ("action", "tag"),
            ("tag", "vip"),
        ],
    )
    .await;
    for id in [a, c] {
        let (_, conv) = app
            .get(&format!("/api/v1/conversations/{id}"), &app.admin)
            .await;
        assert_eq!(conv["assignee_id"], me);
        assert_eq!(conv["status"], "pending");
        assert_eq!(conv["tags"], json!(["vip"]));
    }
    // An illegal change is reported per conversation, not silently skipped.
    let (s, body) = b
        .post(
            "/bulk",
            &[("ids", &a_s), ("action", "status"), ("status", "new")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains(&format!("#{a}")), "{body}");
}

async fn the_conversation_page_shows_everything_and_transfers_need_a_reason(app: &TestApp) {
    let (me, mut b) = signed_in(app, "conv@example.com", "Conny", "admin").await;
    let other = agent_with_password(app, "other@example.com", "Otto", "supervisor").await;
    let outsider = agent_with_password(app, "out@example.com", "Outsider Oskars", "agent").await;
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "HTML <i>mail</i>", "customer": {"email": "html@example.com", "name": "Hanna <b>H</b>"},
                   "message": {"text": "plain", "html": "<p>Hello <img src=\"https://tracker.example/p.png\"></p><script>alert(1)</script>"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = c["id"].as_i64().unwrap();
    let (_, page) = b.get(&format!("/c/{id}")).await;
    assert!(
        page.contains("HTML &#60;i&#62;mail&#60;/i&#62;"),
        "subject escaped"
    );
    assert!(
        page.contains("Hanna &#60;b&#62;H&#60;/b&#62;"),
        "customer name escaped"
    );
    assert!(
        page.contains("sandbox=\"allow-same-origin"),
        "HTML bodies are sandboxed"
    );
    assert!(page.contains("Show images"));
    assert!(
        !page.contains("Outsider Oskars"),
        "agents without access to the inbox are not offered as owners"
    );
    let _ = outsider;
    // The body document: blocked images and no scripts, under a strict policy.
    let mid = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await
        .1["items"][0]["id"]
        .as_i64()
        .unwrap();
    let resp = b
        .get_raw(&format!("{}/c/{id}/m/{mid}/body", app.base))
        .await;
    let csp = resp.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("script-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert!(
        csp.contains("img-src 'self' data:;"),
        "no remote images by default: {csp}"
    );
    let html = resp.text().await.unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains(" src=\"https://tracker.example"), "{html}");
    assert!(
        html.contains("data-tend-src=\"https://tracker.example"),
        "{html}"
    );
    let (_, shown) = b.get(&format!("/c/{id}/m/{mid}/body?images=1")).await;
    assert!(
        shown.contains("src=\"https://tracker.example/p.png\""),
        "{shown}"
    );
    // Reply, note, assign, transfer.
    let (s, _) = b
        .post(&format!("/c/{id}/update"), &[("assignee", &me.to_string())])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, body) = b
        .post(
            &format!("/c/{id}/update"),
            &[("assignee", &other.to_string())],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("needs a reason"), "{body}");
    // The form keeps what was typed: the new owner stays chosen, the
    // reason box's category and words stay, and the message stands
    // beside the reason, not at the head of the page.
    let (s, body) = b
        .post(
            &format!("/c/{id}/update"),
            &[
                ("assignee", &other.to_string()),
                ("priority", "urgent"),
                ("reason_category", "skill"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains(&format!(r#"<option value="{other}" selected>"#)),
        "the new owner stays chosen"
    );
    assert!(body.contains(r#"<option value="urgent" selected>"#));
    assert!(body.contains(r#"<option value="skill" selected>"#));
    assert!(
        body.contains(&format!(r#"data-current="{me}""#)),
        "the owner it has now"
    );
    let reason = body
        .find(r#"id="reason-error""#)
        .expect("the message beside the reason");
    assert!(reason > body.find(r#"id="reason-box""#).unwrap());
    assert!(
        !body.contains(r#"<p class="error" role="alert">"#),
        "not at the head"
    );
    let (s, _) = b
        .post(
            &format!("/c/{id}/update"),
            &[
                ("assignee", &other.to_string()),
                ("reason_category", "language"),
                ("reason", "speaks Korean"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(conv["assignee_id"], other);
    assert_eq!(conv["transfer_count"], 1);
    let (_, page) = b.get(&format!("/c/{id}")).await;
    assert!(
        page.contains("transferred it from Conny to Otto"),
        "timeline shows the transfer"
    );
    assert!(page.contains("Language: speaks Korean"), "with its reason");
    // The customer sidebar: addresses, first seen, contacts, history.
    app.conversation("older one", "html@example.com", "hello", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let (_, page) = b.get(&format!("/c/{id}")).await;
    assert!(page.contains("html@example.com"));
    assert!(page.contains("2 conversations"), "total contacts");
    assert!(page.contains(">older one</a>"), "previous conversations");
}
