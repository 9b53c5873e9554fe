# Tend エージェント画面 — 日本語。en/web.ftl と同じキーをすべて持つこと。

## 枠とナビゲーション
skip-to-content = 本文へスキップ
nav-label = メイン
nav-inbox = 受信箱
nav-customers = 顧客
nav-admin = 管理
nav-inboxes = 受信箱
nav-teams = チーム
search-label = 会話を検索
search-placeholder = 検索（/ キー）
sign-out = ログアウト
back-home = 受信箱に戻る
close = 閉じる
save = 保存
apply = 適用

## キーボードのヘルプ
help-title = キーボードショートカット
key-move = 次 / 前の会話
key-open = 会話を開く
key-reply = 返信
key-note = 社内メモ
key-assign = 担当者を割り当て
key-status = ステータスを変更
key-search = 検索
key-help = このヘルプ

## ログイン、初期設定、アカウント
sign-in-title = Tend にログイン
sign-in = ログイン
sign-in-failed = メールアドレスとパスワードが、有効なアカウントと一致しません。
sign-in-rate-limited = 失敗が多すぎます。15 分待ってからもう一度お試しください。
field-email = メールアドレス
field-password = パスワード
field-name = 名前
field-new-password = 新しいパスワード（8 文字以上）
field-repeat-password = 新しいパスワード（確認）
field-current-password = 現在のパスワード
field-language = 言語
field-timezone = タイムゾーン
field-organization = 組織
field-local-time = 現地時刻
field-first-seen = 初回の問い合わせ
field-contacts = 問い合わせ
field-team = チーム
field-tags = タグ
setup-title = 最初の管理者を作成
setup-intro = このページは Tend の初期設定に一度だけ使えます。ここで作成するアカウントから、ほかの全員を招待できます。
setup-submit = 管理者を作成
invite-title = パスワードの設定
invite-intro = { $name } さん、ようこそ。パスワードを決めて Tend を使い始めましょう。
invite-submit = 保存してログイン
link-gone-title = このリンクはもう使えません
link-gone = 使用済みか、有効期限が切れています。管理者に新しいリンクを依頼してください。
password-mismatch = 2 つのパスワードが一致しません。
password-current-wrong = 現在のパスワードが正しくありません。
password-changed = パスワードを変更しました。ほかのセッションはログアウトされました。
account-title = アカウント
account-preferences = 表示設定
account-password = パスワード
account-change-password = パスワードを変更
language-browser = ブラウザーの設定に従う
timezone-help = Asia/Tokyo や Europe/Riga のような IANA タイムゾーン。日時はこのタイムゾーンで表示されます。
timezone-unknown = 「{ $tz }」は Tend が認識できるタイムゾーンではありません。

## 受信箱
views-label = ビュー
view-mine = 自分の担当
view-unassigned = 未割り当て
view-open = 対応中すべて
view-pending = 保留中
view-solved = 解決済み
filter-status = ステータス
filter-priority = 優先度
filter-channel = チャネル
filter-tag = タグ
filter-language = 言語
filter-any = すべて
filter-apply = 絞り込む
bulk-label = 選択した会話を変更
bulk-assign = 担当者
bulk-status = ステータスを設定
bulk-tag = タグを追加
bulk-partial = { $count ->
   *[other] { $count } 件の会話を変更しました。残りは変更できませんでした：
}
assign-me = 自分
assign-nobody = なし
select-all = すべて選択
select-conversation = 会話 #{ $id } を選択
col-customer = 顧客
col-subject = 件名
col-status = ステータス
col-priority = 優先度
col-assignee = 担当者
col-waiting = 待ち時間
inbox-empty = 対応が必要な会話はありません。お疲れさまでした。
new-activity = 新しい動きがあります — 更新
pager-label = ページ
pager-prev = 前へ
pager-next = 次へ
conversations-count = { $count ->
   *[other] { $count } 件の会話
}
duration-minutes = { $count } 分
duration-hours-minutes = { $hours } 時間 { $minutes } 分
duration-days-hours = { $days } 日 { $hours } 時間

## ステータス、優先度、チャネル
status-new = 新規
status-open = 対応中
status-pending = 保留中
status-solved = 解決済み
status-closed = 完了
priority-low = 低
priority-normal = 通常
priority-high = 高
priority-urgent = 緊急
channel-email = メール
channel-chat = チャット
channel-web = Web フォーム
channel-api = API
channel-phone = 電話
channel-portal = ポータル

## 会話
author-system = Tend
internal-note = 社内メモ
message-from = { $name } からのメッセージ
show-images = 画像を表示
show-quoted = 引用部分を表示
download-original = 元のメールをダウンロード (.eml)
cc = CC
delivery-queued = 送信待ち
delivery-sent = 送信済み
delivery-failed = 配信できませんでした
delivery-held = 保留中（自動メールの上限）
controls = 詳細
transfer-reason = 引き継ぎの理由
transfer-category = 理由
transfer-words = 補足
transfer-help = 会話をほかの担当者に引き継ぐには理由が必要です。
transfer-needs-reason = 会話をほかの担当者に引き継ぐには理由が必要です。理由を選び、補足を書いてください。
reason-skill = 別の専門知識が必要
reason-language = 言語
reason-workload = 業務量
reason-escalation = エスカレーション
reason-shift = 勤務時間の終了
reason-other = その他
tags-help = タグはカンマで区切ります。
previous-conversations = 過去の会話
composer-kind = メッセージの種類
compose-reply = 顧客に返信
compose-note = 社内メモ
compose-text = メッセージ
compose-attach = ファイルを添付
send = 送信
send-anyway = このまま送信
new-customer-message = 入力中に顧客から新しいメッセージが届きました。送信する前に確認してください。
viewer-viewing = { $name } さんが閲覧中
viewer-replying = { $name } さんが返信中
event-created = この会話を作成しました（{ $channel }）
event-assigned = { $to } さんに割り当てました
event-transferred = { $from } さんから { $to } さんに引き継ぎました
event-status = ステータスを { $to } に変更しました
event-priority = 優先度を { $to } に変更しました
event-tags = タグを { $tags } に変更しました
event-team = チームを変更しました
event-customer = 別の顧客に移しました
event-language = 言語を { $to } に変更しました
event-mail-held = 自動メール（{ $value }）を保留しました：この受信箱の 1 時間あたりの上限に達しました
mail-kind-ack = 受付確認
mail-kind-survey = アンケート
mail-kind-transcript = チャットの記録

## エラー
error-not-found-title = 見つかりません
error-not-found = ここには何もないか、閲覧する権限がありません。
error-forbidden-title = 許可されていません
error-forbidden = あなたの役割ではこの操作はできません。
error-csrf = このフォームは別の場所から送信されたか、有効期限が切れています。ページを再読み込みしてもう一度お試しください。
error-invalid-title = 処理できませんでした
error-rate-limited-title = 少し待ってください
error-rate-limited = リクエストが多すぎます。しばらく待ってからもう一度お試しください。
error-too-large-title = サイズが大きすぎます
error-too-large = 送信された内容がこのページで受け付けられる大きさを超えています。短くするか、ファイルは返信の添付として送信してください。
error-internal-title = 問題が発生しました
error-internal = Tend はこの処理を完了できませんでした。詳細はサーバーのログにあります。

## 受付状態 (ヘッダー)、成功事例、担当者のプロフィール
nav-stories = 成功事例
nav-reports = レポート
presence-label = 新しい会話の受付状態
presence-set = 設定
presence-online = オンライン
presence-away = 離席中
presence-offline = オフライン
presence-now = 受付状態: { $to }
stories-title = 成功事例
stories-intro = 問題が解決したことを確認したお客様の声です。コメント付きで 4 または 5 の評価をいただいたもので、返信した担当者の成果として記録されます。
stories-none = まだ成功事例はありません。
stories-older = 以前の事例
stories-newest = 最新の事例
story-rating = 5 段階中 { $count } の評価
story-credited = 担当:
story-customer-unnamed = お客様
agent-kind-words = お客様からの言葉
agent-own-settings = 設定を変更する
account-profile = 自分のプロフィールとお客様からの言葉
