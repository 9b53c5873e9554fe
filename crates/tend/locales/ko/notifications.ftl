# 알림과 다시 알림 (issue 25).

event-snoozed = { $until }까지 다시 알림 설정
event-unsnoozed-due = 다시 알림이 끝나 다시 열렸습니다
event-unsnoozed-customer = 고객이 답장하여 다시 알림이 끝났습니다
event-unsnoozed = 다시 알림이 끝났습니다
job-snooze = 다시 알림 대화 복귀
mail-kind-notification = 상담원 알림

snoozed-until = { $until }까지 다시 알림
snooze-title = 다시 알림
snooze-until-label = 보류 기한
snooze-help = 내 시간대: { $tz }. 그 시각에 대화가 담당자에게 돌아옵니다. 고객이 답장하면 다시 알림은 즉시 끝납니다.
snooze-submit = 다시 알림
snooze-bad-time = 날짜와 시간을 입력하세요.

notification-kind-mention = 메모에서의 멘션
notification-kind-assigned = 나에게 배정된 대화
notification-kind-customer-replied = 내 고객의 답장
notification-kind-chat-waiting = 내 대기열에서 기다리는 채팅
notification-kind-snooze-ended = 다시 알림 종료

notification-someone = 누군가
notification-mention = { $actor }님이 #{ $id } { $subject }에서 나를 멘션했습니다
notification-assigned = #{ $id } { $subject }이(가) 나에게 배정되었습니다
notification-customer-replied = #{ $id } { $subject }에 고객이 답장했습니다
notification-chat-waiting = 대기열에서 채팅이 기다리고 있습니다: #{ $id } { $subject }
notification-snooze-ended = #{ $id } { $subject }이(가) 다시 알림에서 돌아왔습니다

notifications-title = 알림
notifications-all = 전체
notifications-unread = 읽지 않음
notifications-preferences = 알림 설정
notifications-preferences-about = 종류별로 작업 공간에 표시할지, 메일로 받을지, 둘 다 할지 선택하세요.
notifications-preferences-edit = 알림 설정 변경
notifications-allow-browser = 브라우저 알림 표시
notifications-none = 알림이 없습니다.
notifications-read-all = 모두 읽음으로 표시
notifications-new = 새 알림
notifications-mark-read = 읽음으로 표시
notifications-older = 이전 알림
notifications-saved = 설정을 저장했습니다.
notifications-kind = 종류
notifications-web = 작업 공간
notifications-mail = 메일
notifications-sound = 채팅이 기다릴 때 짧은 소리 재생

# Alerts to the admins: a channel inbox stopped working.
mail-kind-alert = 관리자 경고
alert-failing-subject = Tend: 받은편지함 "{ $inbox }"의 작동이 멈췄습니다
alert-hello = { $name }님, 안녕하세요.
alert-failing = 받은편지함 "{ $inbox }"({ $channel })의 작동이 멈췄습니다. 제공자의 응답: { $error }
alert-failing-after = Tend는 메시지를 보관하고 스스로 다시 시도합니다. 인증 정보나 설정을 고칠 때까지 이 채널의 고객은 답장을 받지 못합니다.
alert-failing-settings = 받은편지함 설정: { $url }
