# Tend エージェント画面 — 検索、顧客、管理ページ（日本語）。
# en/admin.ftl と同じキーをすべて持つこと。

## 検索
search-title = 検索
search-title-for = 検索：{ $q }
search-submit = 検索
search-syntax = 検索のしかた
search-help = 入力した語はすべて一致する必要があります（言語は問いません）。"引用符で囲んだフレーズ"、除外する -語、status:open、assignee:me、tag:billing、from:example.com、inbox:3、after:2024-05-01、before:2024-06-01 などの絞り込みが使えます。
search-results = { $count ->
   *[other] { $count } 件の会話が見つかりました
}
search-none = 一致する会話はありません。語を減らすか、別の語でお試しください。

## 顧客
customers-title = 顧客
customers-search = 名前またはメールアドレス
customers-none = 一致する顧客はいません。
customers-back = 顧客一覧
customer-saved = プロフィールを保存しました。
customer-merged = 2 つのレコードを統合しました。メールアドレスと会話はすべてこちらに移りました。
customer-history = 会話
customer-history-none = 閲覧できる会話はありません。
customer-calls = 通話
customer-call-col-when = 日時
customer-call-col-call = 通話
customer-call-col-outcome = 結果
call-direction-in = 着信：
call-direction-out = 発信：
call-outcome-answered = 応答済み
call-outcome-missed = 不在着信（折り返しが必要）
call-outcome-ringing = 呼び出し中
call-outcome-unanswered = 応答なし
call-popup-title = 着信
call-popup-open = 対応中の会話
call-popup-recent = 最近の会話
call-popup-none = 以前の会話はありません。
call-popup-customer = 顧客を開く
call-popup-dismiss = 閉じる
customer-edit = プロフィールを編集
customer-private-hidden = 電話番号・タイムゾーン・組織・メモは、スーパーバイザー、管理者、およびこの顧客のすべての会話を閲覧できるエージェントにのみ表示されます。
customer-language-help = ja、ko、lv、ca、en などの言語コード。
picker-not-set = 未設定
customer-language-invalid = 「{ $value }」は Tend が知らない言語です。一覧から選んでください。
customer-name-invalid = 名前は 200 文字以内で入力してください。
customer-merge = 別のレコードをこの顧客に統合
customer-merge-help = 同じ人物のレコードが 2 つあるときに使います。もう一方のメールアドレスと会話がこちらに移り、もう一方は一覧から消えます。元に戻すことはできません。
customer-merge-other = もう一方の顧客の番号またはメールアドレス
customer-merge-submit = この顧客に統合
merge-other-invalid = もう一方の顧客の番号（例：42）か、そのメールアドレスのいずれかを入力してください。
field-phone = 電話番号
field-notes = メモ
field-last-seen = 最終問い合わせ
col-updated = 更新日時

## 管理：共通
admin-title = 管理
admin-users = ユーザー
admin-teams = チーム
admin-inboxes = 受信箱
admin-tokens = API トークン
admin-users-about = メンバーの招待、役割の変更、アカウントの無効化。
admin-teams-about = エージェントをグループにまとめ、各チームが担当する受信箱を選びます。
admin-inboxes-about = メールアドレス、IMAP の取得、自動受付メール。
admin-tokens-about = REST API を使う連携のためのトークン。
admin-users-count = { $count ->
   *[other] ユーザー { $count } 人
}
admin-teams-count = { $count ->
   *[other] { $count } チーム
}
admin-inboxes-count = { $count ->
   *[other] 受信箱 { $count } 件
}
admin-tokens-count = { $count ->
   *[other] 有効なトークン { $count } 件
}
admin-saved = 保存しました。
admin-choose-one = 一覧から選んでください。
admin-back = 戻る
add = 追加
remove = 外す
secret-label = 今すぐコピーしてください
secret-once = これは一度だけ表示されます。Tend はその指紋（ハッシュ）だけを保存するため、再表示できません。
field-role = 役割
field-state = 状態
field-created = 作成日時
field-actions = 操作
field-address = メールアドレス
field-imap-url = 取得する IMAP メールボックス
field-kind = チャネル
field-label = ラベル
field-owner = ユーザー

## 管理：ユーザー
role-agent = エージェント
role-supervisor = スーパーバイザー
role-admin = 管理者
user-you = あなた
user-role-of = { $name } さんの役割
user-active = 有効
user-inactive = 無効
user-deactivate = 無効にする
user-deactivate-name = { $name } さんを無効にする
user-reactivate = 再び有効にする
user-reactivate-name = { $name } さんを再び有効にする
user-new-link = 新しいログインリンク
user-new-link-name = { $name } さんの新しいログインリンク
user-invite = メンバーを招待
user-invite-help = Tend がアカウントを作成し、一度だけ使えるリンクを発行します。そのリンクを本人に送ってください。本人がパスワードを決めます。リンクの有効期間は 7 日です。
user-invite-submit = 招待を作成
invite-link-title = 招待リンク
invite-link-intro = このリンクを { $name } さんに送ってください。7 日間、一度だけ使え、パスワードを設定できます。
invite-inactive = 新しいリンクを作る前に、このユーザーを再び有効にしてください。

## 管理：チーム
teams-none = まだチームはありません。
team-create = チームを作成
team-members = メンバー
team-no-members = まだ誰もいません。
team-add-member = メンバーを追加
team-remove-member = { $name } さんをチームから外す
team-inboxes = このチームが担当する受信箱
team-no-inboxes = まだありません。このチームのエージェントには何も表示されません。
team-grant-inbox = 受信箱を追加
team-revoke-inbox = { $name } をチームから外す

## 管理：受信箱
inbox-kind-email = メール
inbox-kind-chat = チャット
inbox-kind-web = Web フォーム
inbox-kind-api = API
inbox-kind-telegram = Telegram
inbox-kind-whatsapp = WhatsApp
inbox-default = 既定
inbox-create = 受信箱を作成
inbox-address-help = メールの受信箱では必須です。顧客がメールを送るアドレスです。
inbox-imap-help-new = 任意。Tend がこのメールボックスから新着メールを取得します。例：imaps://user:password@mail.example.com/INBOX
inbox-imap-help = 現在 { $url } を取得しています。そのままにするには空欄のままにし、変更するには新しい URL を入力してください。
inbox-imap-off = IMAP の取得をやめる
field-imap-after = メッセージ取得後の処理
inbox-imap-after-leave = メールボックスにそのまま残す
inbox-imap-after-seen = 既読にする
inbox-imap-after-move = フォルダーに移動する
field-imap-move-to = 移動先フォルダー
inbox-imap-move-help = 「フォルダーに移動する」で使います。フォルダーがなければ Tend が作成します。メッセージは Tend が保存した後にだけ既読・移動されます。
inbox-ack = 新しいメールの会話ごとに自動受付メールを送る

## 管理：API トークン
tokens-none = まだ API トークンはありません。
token-active = 有効
token-revoke = 失効させる
token-revoke-gone = このトークンはすでに失効しています。
token-revoke-name = トークン「{ $name }」を失効させる
token-revoked-at = { $when } に失効
token-create = トークンを作成
token-create-help = トークンは持ち主のユーザーの役割で動作します。作成した直後に一度だけ表示されます。
token-created-title = 新しい API トークン
token-created-intro = このトークンは { $name } さんとして動作します。「Authorization: Bearer」に続けてトークンを指定してください。

## レポート
report-csat-title = 顧客満足度
report-csat-intro = CSAT は評価のうち 4 または 5 の割合、回答率はお客様が回答したアンケートの割合です。アンケートは送信された期間に集計されます。
report-from = 開始日
report-to = 終了日
report-period-help = 両方の日付を含みます。日付は UTC です。
report-bad-date = 「{ $q }」は日付ではありません。2026-01-31 の形式で入力してください。
report-from-after-to = 開始日が終了日より後になっています。
report-by-agent = 担当者別
report-by-team = チーム別
report-no-agent = 担当者なし
report-no-team = チームなし
report-by-inbox = 受信箱別
report-by-channel = チャネル別
report-none = この期間に送信されたアンケートはありません。
report-col-name = 名前
report-col-csat = CSAT
report-col-response-rate = 回答率
report-col-sent = 送信数
report-col-answered = 回答数
report-col-rated = 評価数
report-col-satisfied = 満足 (4–5)
report-percent = { $value }%

## 管理: アンケートのテンプレート
admin-templates = アンケートのテンプレート
admin-templates-about = 満足度アンケートのメールと、お客様が回答するページ (言語ごと)。
template-col = テンプレート
template-survey-email-subject = アンケートメール: 件名
template-survey-email-text = アンケートメール: 本文
template-survey-message-text = アンケートメッセージ (メッセージアプリ、チャネル API): 本文
template-survey-page = お客様向けのアンケートページ
template-edit-in = { $name }（{ $to }）
template-customized = 変更済み
template-builtin = 標準
template-customized-at = 管理者が { $when } に変更しました。
template-is-builtin = これは標準のテンプレートです。
template-source = テンプレート (minijinja)
template-help = 保存する前に、例のデータで動作するかを確認します。使える変数:
template-reset = 標準のテンプレートに戻す
template-reset-help = このテンプレートへの変更は削除されます。

## 受信箱の公開チャネル（チャットウィジェット、お問い合わせフォーム）
inbox-public-link = チャットとフォームの設定
public-title = { $name }：チャットとフォームの設定
public-embed = 埋め込みコード
public-embed-chat-help = チャットを表示したいサイトの各ページにこのタグを貼り付けてください。
public-embed-form-help = お問い合わせフォームを埋め込むには、このフレームをサイトのページに貼り付けてください。
public-origins = 埋め込みを許可するサイト（1行に1つのオリジン）
public-origins-help = 例：https://shop.example。Tend 自身のアドレスは常に許可されます。
public-require-name = チャットの前に訪問者の名前を尋ねる
public-require-email = チャットの前に訪問者のメールアドレスを尋ねる
public-identity = ログイン済み訪問者用の新しい本人確認シークレット
public-identity-help = サイト側でユーザー ID をこのシークレットで HMAC-SHA256 署名します（data-user-id、data-user-hash）。空欄のままにすると現在のシークレットを維持します。
public-identity-set = シークレットが設定されています。ログイン済みの訪問者は識別され、履歴を見られます。
public-identity-unset = シークレットが未設定です。訪問者の ID は受け付けません。
public-identity-clear = 本人確認をオフにする
public-hours = 営業時間
public-hours-help = 曜日ごとに 09:00-17:00 のように入力し、複数ある場合はカンマで区切ります。すべて空欄なら常時受付です。
public-timezone = タイムゾーン（IANA 形式、例：Asia/Tokyo）
public-max-wait = 予想待ち時間がこれを超えたらメールを案内する（分）

## Admin: mail quarantine
admin-quarantine = メール隔離
admin-quarantine-about = 保留または無視された受信メール：原本をダウンロードして再処理できます。
quarantine-intro = Tend が会話にしなかったメールです。原本をダウンロードして確認してから再処理してください。再処理では送信者ごとの上限は適用されず、その他のチェックはすべて再度行われます。
quarantine-tab-quarantined = 隔離済み
quarantine-tab-ignored = 無視済み
quarantine-none = メールはありません。
quarantine-col-received = 受信日時
quarantine-col-from = 送信者
quarantine-col-subject = 件名
quarantine-col-reason = 理由
quarantine-col-size = サイズ
quarantine-col-state = 原本と再処理
quarantine-no-subject = （件名なし）
quarantine-no-sender = （差出人なし）
quarantine-download = 原本をダウンロード
quarantine-download-name = メッセージ { $id } の原本をダウンロード
quarantine-retry = 再処理
quarantine-retry-name = メッセージ { $id } を再処理
quarantine-retried-at = { $when } に再処理
quarantine-in-conversation = 会話 #{ $id }
quarantine-retried-created = 再処理しました：メッセージから会話 #{ $id } が作成されました。
quarantine-retried-appended = 再処理しました：メッセージは会話 #{ $id } に追加されました。
quarantine-retried-duplicate = 再処理しました：メッセージはすでに会話 #{ $id } にあります。
quarantine-retried-held = 再処理しました：メッセージは引き続き隔離されています。理由：{ $value }
quarantine-retried-ignored = 再処理しました：メッセージは無視されました。理由：{ $value }
quarantine-already-retried = このメッセージはすでに会話 #{ $id } にあるため、再処理できません。
# Reason codes of ignored mail (the mail log stores the code).
mail-reason-delivery_report = 配信状況の通知（エラーメール）
mail-reason-feedback_report = フィードバック・不正利用の報告
mail-reason-dmarc_aggregate_report = DMARC 集計レポート
mail-reason-dmarc_failure_report = DMARC 失敗レポート
mail-reason-list_notice = メーリングリストの通知
mail-reason-cloud_notification = メール配信サービスの通知（JSON）
mail-reason-read_receipt = 開封確認
mail-reason-auto_reply = 自動応答
mail-reason-auto_generated = 自動生成されたメール
mail-reason-bulk_mail = 一括配信・リストのメール
mail-reason-own_address_loop = 自分のアドレスからのメール（ループ防止）
mail-reason-matched = { $value }（送信済みのメッセージについて）
mail-reason-too-large = メッセージのサイズは { $size } で、上限の { $limit } を超えています。
mail-reason-not-fetched = メッセージのサイズは { $size } で、上限の { $limit } を超えています。取得せず、IMAP メールボックスに残しています。
mail-reason-not-fetched-over = メッセージが上限の { $limit } を超えています。取得せず、IMAP メールボックスに残しています。
mail-reason-unreadable = メッセージを読み取れませんでした。
mail-reason-no-from = メッセージに有効な差出人アドレスがありません。
mail-reason-sender-limit = { $sender } が 10 分間に { $count } 通を超えるメッセージを送信しました（ループ防止）。
mail-reason-other = このバージョンの Tend では名前のない理由で保留されています。
quarantine-col-select = 選択
quarantine-select-name = メッセージ { $id } を選択
quarantine-bulk-label = 選択したメッセージを:
quarantine-bulk-retry = まとめて再処理
quarantine-bulk-delete = まとめて削除
quarantine-delete = 削除
quarantine-delete-name = メッセージ { $id } を削除
quarantine-delete-title = 保留中のメールを削除
quarantine-delete-text = { $count ->
   *[other] { $count } 件のメッセージとその原本を削除しますか？元に戻せません。
}
quarantine-delete-yes = 完全に削除
quarantine-delete-keep = 削除しない
quarantine-deleted = { $count ->
   *[other] { $count } 件のメッセージを削除しました。
}
quarantine-bulk-retried = { $count ->
   *[other] { $count } 件のメッセージを再処理しました。
}
quarantine-none-selected = 先にメッセージを 1 件以上選択してください。
quarantine-cannot-retry = メッセージ { $id } は再処理できません。原本または受信箱がありません。

## Admin: failed background jobs
admin-jobs = 失敗したジョブ
admin-jobs-about = バックグラウンドジョブが処理できなかった項目：エラーを確認して再試行できます。
jobs-intro = バックグラウンドジョブが処理できなかった項目です。失敗した項目は 30 秒後、続いて 1 分後、2 分後、4 分後に再試行されます。5 回失敗すると、管理者が再試行するまで停止されます。その間もジョブは他の項目の処理を続けます。
jobs-none = 失敗した項目はありません。すべてのバックグラウンドジョブは正常に処理されています。
jobs-col-job = ジョブ
jobs-col-item = 項目
jobs-col-attempts = 試行回数
jobs-col-error = 最後のエラー
jobs-col-failed-at = 最後の失敗
jobs-col-state = 状態
jobs-state-retry-at = { $when } に再試行
jobs-state-parked = 停止中
jobs-first-failed = 最初の失敗：{ $when }
jobs-retry = 再試行
jobs-retry-name = 項目 { $id }（{ $value }）を再試行
jobs-retried = 項目 { $id }（{ $value }）を再試行の対象にしました。ジョブの次回の実行で処理されます。
jobs-retry-gone = 項目 { $id }（{ $value }）は失敗した項目の一覧にもうありません。その後、成功した可能性があります。
# The background jobs (`jobs::Job`).
job-survey = 満足度アンケート
job-quiet-close = 待機期間後の自動クローズ
job-sla-timer = サービスレベルのタイマー
job-outbox = 送信メール
job-automation-timer = 自動化の時間ルール
job-automation-reply = ルールの自動返信
job-channel-outbox = チャネル API の URL へのメッセージ


## Webhooks (admin)
admin-webhooks = Webhook
admin-webhooks-about = 会話のイベントを他のシステムに通知します：購読、配信ログ、再配信。
webhooks-intro = 選んだ種類のイベントをシークレットで署名して（Tend-Signature）URL に POST します。1 つの会話のイベントは順番どおりに届きます。10 秒以内に 2xx で応答がない配信は、30 秒後、その後 1、2、4 分…（最大 1 時間間隔）で、届くまで再試行されます。
webhooks-none = Webhook はまだありません。
webhooks-field-url = URL
webhooks-field-events = イベント
webhooks-field-secret = シークレット（16〜200 文字）
webhooks-create = Webhook を追加
webhooks-create-help = シークレットはすべての配信に署名します。暗号化して保存され、二度と表示されません。
webhooks-delete = 削除
webhooks-delete-name = { $url } への Webhook を削除
webhooks-back = すべての Webhook
webhooks-deliveries-title = { $url } への配信
webhooks-deliveries-none = まだ配信はありません。Webhook を追加した後のイベントだけが配信されます。
webhooks-col-delivery = 配信
webhooks-col-event = イベント
webhooks-col-conversation = 会話
webhooks-col-state = 状態
webhooks-col-attempts = 試行回数
webhooks-col-code = 応答
webhooks-col-error = 最後のエラー
webhooks-col-when = 日時
webhooks-delivered-at = { $when } に配信済み
webhooks-next-at = 次の試行 { $when }
webhooks-redeliver = 再配信
webhooks-redeliver-name = 配信 { $id } を再配信
webhooks-redelivered = 配信 { $id } を再びキューに入れました。
webhooks-older = 以前の配信
webhook-state-pending = 待機中
webhook-state-failing = 失敗中
webhook-state-delivered = 配信済み

## Reports overview (/reports)
report-dashboard-title = レポート
report-dashboard-intro = 各会話のイベントから計測した数値です。各グラフの横にその数値の表があり、CSV にも同じ数値が入っています。
report-csat-link = 満足度アンケートの詳細
report-dashboard-link = レポートの概要
report-period = 期間
report-last-days = 過去 { $count } 日間
report-custom-period = 指定した日付
report-bucket = 集計単位
report-bucket-day = 日
report-bucket-week = 週
report-breakdown-by = 内訳
report-breakdown-metric = 内訳の指標
report-business-hours = 営業時間のみ
report-dates-help = 開始日と終了日 (両日を含む) を使うには、期間で「指定した日付」を選んでください。
report-time-zone = 日付と時刻はあなたのタイムゾーン ({ $tz }) です。
report-both-dates = 両方の日付を入力するか、期間を選んでください。
report-summary = 概要
report-this-period = 今回の期間: { $from } ～ { $to }。
report-previous-period = 比較対象 (直前の同じ日数): { $from } ～ { $to }。
report-col-metric = 指標
report-col-now = 今回の期間
report-col-before = 前の期間
report-col-change = 変化
report-col-count = 計測数
report-col-value = 値
report-col-median = 中央値
report-col-p90 = 90 パーセンタイル
report-col-weekday = 曜日
report-csv = CSV をダウンロード
report-trends = 推移
report-per-day = { $metric } (日別)
report-per-week = { $metric } (週別)
report-breakdown = 内訳
report-breakdown-caption = { $name }別の{ $metric }
report-dimension-agent = 担当者
report-dimension-team = チーム
report-dimension-inbox = 受信箱
report-dimension-channel = チャネル
report-dimension-language = 言語
report-dimension-tag = タグ
report-by-language = 言語別
report-by-tag = タグ別
report-no-language = 言語なし
report-no-tag = タグなし
report-heatmap = 曜日・時間帯別の新規会話
report-heatmap-intro = 期間中に曜日と時間帯ごとに作成された新しい会話の数です (あなたのタイムゾーン)。
report-no-data = この期間に計測されたものはありません。
report-seconds = { $count } 秒
report-change-percent = { $value }%
report-change-points = { $value } ポイント
report-metric-first-response-time = 初回応答時間
report-metric-next-response-time = 次回応答時間
report-metric-resolution-time = 解決時間
report-metric-confirmation-time = お客様の確認までの時間
report-metric-sla-attainment = サービスレベル達成率
report-metric-csat = CSAT
report-metric-response-rate = アンケート回答率
report-metric-volume = 会話数
report-metric-reopens = 再オープン
report-metric-transfers = 引き継ぎ

# The channel API
inbox-outbound-url = 返信の送信先
inbox-outbound-help = デスクの返信をシークレットで署名してここに送信します。空欄にするとどこにも送信しません。
inbox-secret = 署名シークレット
inbox-secret-set = シークレットは設定済みです。空欄のままにすると維持され、新しい値 (16 文字以上) を入力すると置き換わります。
inbox-secret-none = シークレットがまだありません。設定されるまで受信メッセージは拒否されます (16 文字以上)。
inbox-secret-off = シークレットを削除
inbox-bot-token = ボットのトークン
inbox-bot-token-set = トークンは設定済みです。空欄のままにすると維持され、@BotFather の新しいトークンを貼り付けると置き換わります。
inbox-bot-token-none = トークンがまだありません。@BotFather がボットに発行したトークンを貼り付けてください。
inbox-api-base = Bot API サーバー
inbox-mode = 更新の受け取り方
inbox-mode-polling = ロングポーリング (外部から Tend への接続は不要)
inbox-mode-webhook = Webhook (Telegram が Tend に送信)
inbox-webhook-auto = Webhook モードでは、保存すると Tend が Telegram に { $url } への送信を登録します。
inbox-webhook-manual = Webhook モードでは、Tend の公開アドレスに { $url } を続けた URL で Telegram の setWebhook を呼び出すか、public_url を設定して Tend に任せてください。
inbox-webhook-secret = Webhook のシークレットトークン
inbox-webhook-secret-set = シークレットトークンは設定済みです。空欄のままにすると維持されます。
inbox-webhook-secret-none = シークレットトークンがまだありません。設定されるまで Webhook の呼び出しは拒否されます (英数字、_、-)。
inbox-failing = 送信先 URL が { $when } 以降 Tend の認証情報を拒否しています: { $value }。受信側を直したら、新しいシークレットか URL を設定してください。
inbox-failing-telegram = Bot API が { $when } 以降このボットを拒否しています: { $value }。@BotFather の新しいトークンやアドレスを直して保存してください。
inbox-telegram-polling = { $url } からロングポーリングでボットの更新を読み取ります。
inbox-telegram-webhook = Telegram がこの受信箱の Webhook にボットの更新を送信します (Bot API: { $url })。
inbox-telegram-no-token = ボットのトークンがまだありません。下で設定してください。
inbox-failing-whatsapp = Graph API が { $when } 以降 WhatsApp のアクセストークンを拒否しています: { $value }。Meta Business Manager で新しいトークンを設定してください。
inbox-whatsapp-number = WhatsApp 番号 { $id } として { $url } 経由で送信します。
inbox-whatsapp-unset = 電話番号 ID またはアクセストークンがまだありません。管理者が API で設定します (whatsapp.phone_number_id, whatsapp.access_token)。

# Event kinds by name (the webhooks page)
event-kind-created = 会話の作成
event-kind-message-added = メッセージの追加
event-kind-note-added = 社内メモの追加
event-kind-assigned = 担当者の変更
event-kind-transferred = 転送
event-kind-queued = 振り分け待ち
event-kind-status-changed = ステータスの変更
event-kind-priority-changed = 優先度の変更
event-kind-tags-changed = タグの変更
event-kind-team-changed = チームの変更
event-kind-inbox-changed = 受信箱の変更
event-kind-customer-changed = 顧客の変更
event-kind-language-changed = 言語の変更
event-kind-join-refused = 返信の拒否（クローズ済みの会話）
event-kind-delivery-failed = 配信の失敗
event-kind-mail-held = メールの保留
event-kind-survey-sent = アンケートの送信
event-kind-survey-skipped = アンケートの見送り
event-kind-survey-answered = アンケートへの回答
event-kind-follow-up-created = フォローアップの作成
event-kind-follow-up-done = フォローアップの完了
event-kind-sla-applied = サービスレベルの適用
event-kind-sla-warning = サービスレベルの警告
event-kind-sla-breached = サービスレベルの違反
event-kind-sla-fulfilled = サービスレベルの達成
event-kind-automation-fired = 自動化ルールの実行
event-kind-automation-stopped = 自動化ルールの停止
event-kind-remedy-recorded = 補償の記録
event-kind-remedy-decided = 補償の決定
event-kind-problem-linked = 問題へのリンク
event-kind-problem-unlinked = 問題からのリンク解除
event-kind-snoozed = スヌーズ
event-kind-unsnoozed = スヌーズの終了
event-kind-merged-into = 別の会話への統合
event-kind-merged-from = 別の会話の統合先
event-kind-split-to = メッセージの分割
event-kind-split-from = 別の会話からの分割
event-kind-linked = 関連する会話のリンク
event-kind-unlinked = 関連する会話のリンク解除
event-kind-side-conversation-started = サイド会話の開始
event-kind-side-message-sent = サイド会話のメッセージ送信
event-kind-side-reply-received = サイド会話の返信受信
event-kind-reply-undone = 返信の取り消し（送信の取り消し）
event-kind-call-answered = 電話応答
event-kind-call-missed = 不在着信
event-kind-call-ended = 通話終了
