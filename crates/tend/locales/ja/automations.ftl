# Tend エージェント画面 — 自動化ルール: 管理ページと会話ページの「自動化」欄（日本語）。

## 一覧
auto-about = 出来事のとき、または一定の時間が経ったときに、会話に対して自動で動くルール。
admin-automations = 自動化
auto-intro = ルールは会話に対して自動で動きます。この一覧の上から順に実行されます。新しいルールはオフで作られます。ドライランで確かめてから有効にしてください。
auto-none = ルールはまだありません。
auto-new = 新しいルール
auto-col-order = 順序
auto-col-when = 実行するとき
auto-col-state = 状態
auto-col-parts = 条件と動作
auto-parts = 条件: { $count } · 動作: { $value }
auto-on = オン
auto-off = オフ
auto-move-up = 上へ
auto-move-down = 下へ
auto-enable = 有効にする
auto-disable = 無効にする
auto-enable-named = { $name } を有効にする
auto-disable-named = { $name } を無効にする
auto-edit = 編集
auto-edit-named = { $name } を編集
auto-delete = 削除
auto-delete-named = { $name } を削除
auto-delete-title = ルール「{ $name }」を削除しますか？
auto-delete-text = このルールが行ったことは会話のタイムラインに残ります。元に戻せません。
auto-delete-keep = 削除しない
auto-when-after = { $name }から{ $value }後
auto-when-business = { $value }（{ $name }の営業時間で計算）

## フォーム
auto-new-title = 新しいルール
auto-edit-title = ルール: { $name }
auto-back = ルール一覧
auto-when-kind-event = 出来事が起きたとき
auto-when-kind-after = ある時点から一定の分数が経ったとき
auto-event = 出来事
auto-minutes = 分数
auto-since = 起点
auto-calendar = カレンダー
auto-calendar-none = すべての分を数える（カレンダーなし）
auto-conditions = 条件
auto-conditions-help = 条件がなければルールは常に動きます。「すべて」の条件はすべて満たす必要があり、「いずれか」の条件があればそのうち一つを満たす必要があります。「いずれかに一致」にはカンマ区切りで値を入力します。受信箱・チーム・担当者は ID で指定します。「なし」を表すには値を空にします。
auto-no-conditions = 条件なし: ルールは常に動きます。
auto-condition-n = 条件 { $id }
auto-group = グループ
auto-group-all = すべて満たす
auto-group-any = いずれか一つを満たす
auto-cond-field = 項目
auto-cond-op = 比較
auto-cond-value = 値
auto-choose = — 選択 —
auto-add-condition = 条件を追加
auto-remove-condition = 条件 { $id } を削除
auto-actions = 動作
auto-actions-help = ルールが行うこと。この順に実行します。
auto-action-n = 動作 { $id }
auto-action-type = 動作
auto-add-action = 動作を追加
auto-remove-action = 動作 { $id } を削除
auto-value-status = 新しいステータス
auto-value-priority = 新しい優先度
auto-value-tags = タグ（カンマ区切り）
auto-value-team = チーム
auto-value-agent = エージェント
auto-value-text = 本文
auto-value-url = 送信先アドレス（http:// または https://）
auto-value-secret = 署名用シークレット（任意）
auto-trace = 動かなかった評価を記録する
auto-trace-help = 会話ページの「自動化」欄に表示され、「ルールがなぜ動かなかったのか」がわかります。
auto-error-number = 整数を入力してください。
auto-saved-off = 保存しました。ルールはオフです。ドライランで確かめてから有効にしてください。

## ドライランと有効化
auto-state-on = このルールはオンです。
auto-state-off = このルールはオフです。有効にする前に、ドライランで対象になる会話を確認できます。
auto-dry-run = ドライラン
auto-dry-days = さかのぼる日数
auto-dry-help = この日数の間に変更された会話のうち、現在の状態でルールの条件に合うものを示します。何も変更しません。
auto-dry-title = 過去 { $count } 日間のドライラン
auto-dry-matched = 一致する会話
auto-dry-examined = 調べた会話
auto-dry-sample = その一部
auto-dry-none = 一致する会話はありません。

## 会話ページ
auto-panel-title = 自動化
auto-panel-show = ルールが動いた理由・動かなかった理由
auto-panel-none = ルールはありません。
auto-holds = 現在、条件を満たしています。
auto-holds-not = 現在、条件を満たしていません。
auto-held = 満たす
auto-not-held = 満たさない
auto-always = 条件なし。
auto-traces = 動かなかった評価
auto-traces-none = 記録はありません（記録するよう設定したルールだけが記録します）。

## ルールが動く出来事
auto-event-conversation-created = 会話が作成された
auto-event-message-added = メッセージが追加された
auto-event-status-changed = ステータスが変わった
auto-event-priority-changed = 優先度が変わった
auto-event-tags-changed = タグが変わった
auto-event-assigned = 担当者が変わった
auto-event-sla-warning = サービスレベルの警告
auto-event-sla-breached = サービスレベル違反
auto-event-survey-answered = 顧客がアンケートに回答した

## 時間ルールの起点
auto-since-created = 作成
auto-since-status-changed = 最後のステータス変更
auto-since-last-customer-message = 顧客の最後のメッセージ
auto-since-last-agent-message = 窓口の最後の公開メッセージ

## 条件の項目
auto-field-status = ステータス
auto-field-priority = 優先度
auto-field-channel = チャネル
auto-field-inbox-id = 受信箱（ID）
auto-field-team-id = チーム（ID）
auto-field-assignee-id = 担当者（ユーザー ID）
auto-field-tags = タグ
auto-field-language = 言語
auto-field-subject = 件名
auto-field-text = メッセージ本文
auto-field-message-from = メッセージの書き手
auto-field-customer-email = 顧客のメールアドレス
auto-field-customer-name = 顧客の名前
auto-field-sla-breached = 違反したサービスレベル
auto-field-hours-since-created = 作成からの時間数

## 比較
auto-op-is = 等しい
auto-op-is-not = 等しくない
auto-op-in = いずれかに一致
auto-op-not-in = どれにも一致しない
auto-op-contains = 含む
auto-op-not-contains = 含まない
auto-op-gt = より大きい
auto-op-lt = より小さい

## ルールの動作
auto-action-set-status = ステータスを設定
auto-action-set-priority = 優先度を設定
auto-action-add-tags = タグを追加
auto-action-remove-tags = タグを削除
auto-action-assign-team = チームに割り当て
auto-action-assign-agent = エージェントに割り当て
auto-action-reply = 公開返信
auto-action-note = 社内メモ
auto-action-webhook = Webhook を呼び出す
