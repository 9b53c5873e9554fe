# 通知とスヌーズ (issue 25)。

event-snoozed = { $until } までスヌーズ
event-unsnoozed-due = スヌーズが終了し、再オープンしました
event-unsnoozed-customer = 顧客から返信があり、スヌーズが終了しました
event-unsnoozed = スヌーズが終了しました
job-snooze = スヌーズ中の会話の復帰
mail-kind-notification = 担当者への通知

snoozed-until = { $until } までスヌーズ中
snooze-title = スヌーズ
snooze-until-label = 保留する期限
snooze-help = あなたのタイムゾーン: { $tz }。その時刻に会話は担当者に戻ります。顧客から返信があるとスヌーズはすぐに終了します。
snooze-submit = スヌーズ
snooze-bad-time = 日付と時刻を入力してください。

notification-kind-mention = メモでのメンション
notification-kind-assigned = 自分に割り当てられた会話
notification-kind-customer-replied = 担当顧客からの返信
notification-kind-chat-waiting = キューで待機中のチャット
notification-kind-snooze-ended = スヌーズの終了

notification-someone = だれか
notification-mention = { $actor } さんが #{ $id } { $subject } であなたをメンションしました
notification-assigned = #{ $id } { $subject } があなたに割り当てられました
notification-customer-replied = #{ $id } { $subject } に顧客が返信しました
notification-chat-waiting = キューでチャットが待っています: #{ $id } { $subject }
notification-snooze-ended = #{ $id } { $subject } がスヌーズから戻りました

notifications-title = 通知
notifications-all = すべて
notifications-unread = 未読
notifications-preferences = 通知の設定
notifications-preferences-about = 種類ごとに、ワークスペースに表示するか、メールで受け取るか、その両方かを選べます。
notifications-preferences-edit = 通知の設定を変更
notifications-allow-browser = ブラウザー通知を表示する
notifications-none = 通知はありません。
notifications-read-all = すべて既読にする
notifications-new = 新着
notifications-mark-read = 既読にする
notifications-older = 以前の通知
notifications-saved = 設定を保存しました。
notifications-kind = 種類
notifications-web = ワークスペース
notifications-mail = メール
notifications-sound = チャットが待っているときに短い音を鳴らす

# Alerts to the admins: a channel inbox stopped working.
mail-kind-alert = 管理者への警告
alert-failing-subject = Tend: 受信箱「{ $inbox }」が停止しました
alert-hello = { $name } 様
alert-failing = 受信箱「{ $inbox }」（{ $channel }）が停止しました。プロバイダーの応答: { $error }
alert-failing-after = Tend はメッセージを保持し、自動で再試行します。認証情報または設定が直るまで、このチャネルのお客様には返信が届きません。
alert-failing-settings = 受信箱の設定: { $url }
