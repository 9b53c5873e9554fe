# Tend 상담원 화면 — 검색, 고객, 관리 페이지 (한국어).
# en/admin.ftl의 모든 키가 있어야 합니다.

## 검색
search-title = 검색
search-title-for = 검색: { $q }
search-submit = 검색
search-syntax = 검색 방법
search-help = 입력한 단어가 모두 일치해야 하며 언어는 상관없습니다. "따옴표로 묶은 구문", 제외할 -단어, 그리고 status:open, assignee:me, tag:billing, from:example.com, inbox:3, after:2024-05-01, before:2024-06-01 같은 필터를 쓸 수 있습니다.
search-results = { $count ->
   *[other] 대화 { $count }개를 찾았습니다
}
search-none = 일치하는 대화가 없습니다. 단어를 줄이거나 다른 단어로 검색해 보세요.

## 고객
customers-title = 고객
customers-search = 이름 또는 이메일
customers-none = 일치하는 고객이 없습니다.
customers-back = 전체 고객
customer-saved = 프로필을 저장했습니다.
customer-merged = 두 기록을 합쳤습니다. 주소와 대화가 모두 이쪽으로 옮겨졌습니다.
customer-history = 대화
customer-history-none = 볼 수 있는 대화가 없습니다.
customer-calls = 통화
customer-call-col-when = 일시
customer-call-col-call = 통화
customer-call-col-outcome = 결과
call-direction-in = 수신:
call-direction-out = 발신:
call-outcome-answered = 응답함
call-outcome-missed = 부재중: 다시 전화해야 함
call-outcome-ringing = 벨 울리는 중
call-outcome-unanswered = 응답 없음
call-popup-title = 수신 전화
call-popup-open = 진행 중인 대화
call-popup-recent = 최근 대화
call-popup-none = 이전 대화가 없습니다.
call-popup-customer = 고객 열기
call-popup-dismiss = 닫기
customer-edit = 프로필 편집
customer-private-hidden = 전화번호, 시간대, 조직, 메모는 관리자, 감독자 및 이 고객의 모든 대화를 볼 수 있는 상담원에게만 표시됩니다.
customer-language-help = ja, ko, lv, ca, en 같은 언어 코드입니다.
picker-not-set = 설정 안 됨
customer-language-invalid = “{ $value }”은(는) Tend가 모르는 언어입니다. 목록에서 고르세요.
customer-name-invalid = 이름은 200자 이내로 입력하세요.
customer-merge = 다른 기록을 이 고객으로 합치기
customer-merge-help = 한 사람의 기록이 두 개일 때 사용합니다. 다른 기록의 주소와 대화가 이쪽으로 옮겨지고, 다른 기록은 목록에서 사라집니다. 되돌릴 수 없습니다.
customer-merge-other = 다른 고객의 번호 또는 이메일
customer-merge-submit = 이 고객으로 합치기
merge-other-invalid = 다른 고객의 번호(예: 42)나 그 고객의 이메일 주소 중 하나를 입력하세요.
field-phone = 전화번호
field-notes = 메모
field-last-seen = 마지막 문의
col-updated = 업데이트

## 관리: 공통
admin-title = 관리
admin-users = 사용자
admin-teams = 팀
admin-inboxes = 받은편지함
admin-tokens = API 토큰
admin-users-about = 사람을 초대하고, 역할을 바꾸고, 계정을 비활성화합니다.
admin-teams-about = 상담원을 묶고 각 팀이 맡을 받은편지함을 고릅니다.
admin-inboxes-about = 이메일 주소, IMAP 가져오기, 자동 접수 확인 메일.
admin-tokens-about = REST API를 쓰는 연동을 위한 토큰.
admin-users-count = { $count ->
   *[other] 사용자 { $count }명
}
admin-teams-count = { $count ->
   *[other] 팀 { $count }개
}
admin-inboxes-count = { $count ->
   *[other] 받은편지함 { $count }개
}
admin-tokens-count = { $count ->
   *[other] 사용 중인 토큰 { $count }개
}
admin-saved = 저장했습니다.
admin-choose-one = 목록에서 하나를 고르세요.
admin-back = 돌아가기
add = 추가
remove = 빼기
secret-label = 지금 복사하세요
secret-once = 이 값은 한 번만 표시됩니다. Tend는 지문(해시)만 보관하므로 다시 보여 줄 수 없습니다.
field-role = 역할
field-state = 상태
field-created = 만든 날짜
field-actions = 작업
field-address = 이메일 주소
field-imap-url = 가져올 IMAP 메일함
field-kind = 채널
field-label = 이름표
field-owner = 사용자

## 관리: 사용자
role-agent = 상담원
role-supervisor = 감독자
role-admin = 관리자
user-you = 나
user-role-of = { $name }님의 역할
user-active = 활성
user-inactive = 비활성
user-deactivate = 비활성화
user-deactivate-name = { $name }님 비활성화
user-reactivate = 다시 활성화
user-reactivate-name = { $name }님 다시 활성화
user-new-link = 새 로그인 링크
user-new-link-name = { $name }님의 새 로그인 링크
user-invite = 사람 초대하기
user-invite-help = Tend가 계정을 만들고 한 번만 쓸 수 있는 링크를 줍니다. 그 링크를 당사자에게 보내면 본인이 비밀번호를 정합니다. 링크는 7일 동안 유효합니다.
user-invite-submit = 초대 만들기
invite-link-title = 초대 링크
invite-link-intro = 이 링크를 { $name }님에게 보내세요. 7일 동안 한 번만 쓸 수 있으며, 비밀번호를 정할 수 있습니다.
invite-inactive = 새 링크를 만들기 전에 이 사용자를 다시 활성화하세요.

## 관리: 팀
teams-none = 아직 팀이 없습니다.
team-create = 팀 만들기
team-members = 구성원
team-no-members = 아직 아무도 없습니다.
team-add-member = 구성원 추가
team-remove-member = { $name }님을 팀에서 빼기
team-inboxes = 이 팀이 맡는 받은편지함
team-no-inboxes = 아직 없습니다. 이 팀의 상담원에게는 아무것도 보이지 않습니다.
team-grant-inbox = 받은편지함 추가
team-revoke-inbox = { $name }을(를) 팀에서 빼기

## 관리: 받은편지함
inbox-kind-email = 이메일
inbox-kind-chat = 채팅
inbox-kind-web = 웹 양식
inbox-kind-api = API
inbox-kind-telegram = Telegram
inbox-kind-whatsapp = WhatsApp
inbox-default = 기본
inbox-create = 받은편지함 만들기
inbox-address-help = 이메일 받은편지함에는 필수입니다. 고객이 메일을 보내는 주소입니다.
inbox-imap-help-new = 선택 사항. Tend가 이 메일함에서 새 메일을 가져옵니다. 예: imaps://user:password@mail.example.com/INBOX
inbox-imap-help = 지금은 { $url }에서 가져옵니다. 유지하려면 비워 두고, 바꾸려면 새 URL을 입력하세요.
inbox-imap-off = IMAP 가져오기 중지
field-imap-after = 메시지를 가져온 후
inbox-imap-after-leave = 메일함에 그대로 두기
inbox-imap-after-seen = 읽음으로 표시
inbox-imap-after-move = 폴더로 이동
field-imap-move-to = 메시지를 옮길 폴더
inbox-imap-move-help = “폴더로 이동”에 사용됩니다. 폴더가 없으면 Tend가 만듭니다. 메시지는 Tend가 저장한 뒤에만 표시되거나 이동됩니다.
inbox-ack = 새 이메일 대화마다 자동 접수 확인 메일 보내기

## 관리: API 토큰
tokens-none = 아직 API 토큰이 없습니다.
token-active = 사용 중
token-revoke = 폐기
token-revoke-gone = 이 토큰은 이미 폐기되었습니다.
token-revoke-name = 토큰 { $name } 폐기
token-revoked-at = { $when }에 폐기됨
token-create = 토큰 만들기
token-create-help = 토큰은 그 사용자의 역할로 동작합니다. 만든 직후 한 번만 표시됩니다.
token-created-title = 새 API 토큰
token-created-intro = 이 토큰은 { $name }님으로 동작합니다. "Authorization: Bearer" 뒤에 토큰을 붙여 사용하세요.

## 보고서
report-csat-title = 고객 만족도
report-csat-intro = CSAT는 평가 중 4점 또는 5점의 비율이고, 응답률은 고객이 응답한 설문의 비율입니다. 설문은 보낸 기간에 집계됩니다.
report-from = 시작일
report-to = 종료일
report-period-help = 두 날짜 모두 포함되며, 날짜는 UTC 기준입니다.
report-bad-date = “{ $q }”은(는) 날짜가 아닙니다. 2026-01-31 형식으로 입력하세요.
report-from-after-to = 시작일이 종료일보다 늦습니다.
report-by-agent = 상담원별
report-by-team = 팀별
report-no-agent = 담당자 없음
report-no-team = 팀 없음
report-by-inbox = 받은편지함별
report-by-channel = 채널별
report-none = 이 기간에 보낸 설문이 없습니다.
report-col-name = 이름
report-col-csat = CSAT
report-col-response-rate = 응답률
report-col-sent = 보낸 설문
report-col-answered = 응답
report-col-rated = 평가
report-col-satisfied = 만족 (4–5)
report-percent = { $value }%

## 관리: 설문 템플릿
admin-templates = 설문 템플릿
admin-templates-about = 언어별 만족도 설문 이메일과 고객이 응답하는 페이지입니다.
template-col = 템플릿
template-survey-email-subject = 설문 이메일: 제목
template-survey-email-text = 설문 이메일: 본문
template-survey-message-text = 설문 메시지 (메신저, 채널 API): 본문
template-survey-page = 고객용 설문 페이지
template-edit-in = { $name } ({ $to })
template-customized = 변경됨
template-builtin = 기본
template-customized-at = 관리자가 { $when }에 변경했습니다.
template-is-builtin = 기본 템플릿입니다.
template-source = 템플릿 (minijinja)
template-help = 저장하기 전에 예시 데이터로 작동하는지 확인합니다. 변수:
template-reset = 기본 템플릿으로 되돌리기
template-reset-help = 이 템플릿의 변경 내용이 삭제됩니다.

## 받은편지함의 공개 채널(채팅 위젯, 문의 양식)
inbox-public-link = 채팅 및 양식 설정
public-title = { $name }: 채팅 및 양식 설정
public-embed = 삽입 코드
public-embed-chat-help = 채팅을 제공할 사이트의 모든 페이지에 이 태그를 넣으세요.
public-embed-form-help = 문의 양식을 삽입하려면 이 프레임을 사이트 페이지에 넣으세요.
public-origins = 삽입을 허용할 사이트(한 줄에 하나의 오리진)
public-origins-help = 예: https://shop.example. Tend 자체 주소는 항상 허용됩니다.
public-require-name = 채팅 전에 방문자 이름 묻기
public-require-email = 채팅 전에 방문자 이메일 주소 묻기
public-identity = 로그인한 방문자를 위한 새 신원 확인 비밀 키
public-identity-help = 사이트에서 사용자 ID를 이 비밀 키로 HMAC-SHA256 서명합니다(data-user-id, data-user-hash). 비워 두면 현재 비밀 키가 유지됩니다.
public-identity-set = 비밀 키가 설정되어 있습니다. 로그인한 방문자를 알아보고 이전 대화를 보여 줍니다.
public-identity-unset = 비밀 키가 없습니다. 방문자 신원을 받지 않습니다.
public-identity-clear = 신원 확인 끄기
public-hours = 상담 시간
public-hours-help = 요일마다 09:00-17:00처럼 입력하고, 여러 개는 쉼표로 구분합니다. 모두 비워 두면 항상 상담합니다.
public-timezone = 시간대(IANA 형식, 예: Asia/Seoul)
public-max-wait = 예상 대기 시간이 이보다 길면 이메일을 안내(분)

## Admin: mail quarantine
admin-quarantine = 메일 격리함
admin-quarantine-about = 보류되거나 무시된 수신 메일: 원본을 내려받고 다시 처리할 수 있습니다.
quarantine-intro = Tend가 대화로 만들지 않은 메일입니다. 원본을 내려받아 확인한 뒤 다시 처리하세요. 다시 처리할 때는 발신자별 제한이 적용되지 않고, 나머지 검사는 모두 다시 적용됩니다.
quarantine-tab-quarantined = 격리됨
quarantine-tab-ignored = 무시됨
quarantine-none = 메일이 없습니다.
quarantine-col-received = 받은 시각
quarantine-col-from = 보낸 사람
quarantine-col-subject = 제목
quarantine-col-reason = 사유
quarantine-col-size = 크기
quarantine-col-state = 원본 및 재처리
quarantine-no-subject = (제목 없음)
quarantine-no-sender = (보낸 사람 없음)
quarantine-download = 원본 내려받기
quarantine-download-name = 메시지 { $id }의 원본 내려받기
quarantine-retry = 다시 처리
quarantine-retry-name = 메시지 { $id } 다시 처리
quarantine-retried-at = { $when }에 다시 처리함
quarantine-in-conversation = 대화 #{ $id }
quarantine-retried-created = 다시 처리함: 메시지로 대화 #{ $id }이(가) 시작되었습니다.
quarantine-retried-appended = 다시 처리함: 메시지가 대화 #{ $id }에 추가되었습니다.
quarantine-retried-duplicate = 다시 처리함: 메시지가 이미 대화 #{ $id }에 있습니다.
quarantine-retried-held = 다시 처리함: 메시지가 여전히 격리되어 있습니다. 사유: { $value }
quarantine-retried-ignored = 다시 처리함: 메시지가 무시되었습니다. 사유: { $value }
quarantine-already-retried = 이 메시지는 이미 대화 #{ $id }에 있으므로 다시 처리할 수 없습니다.
# Reason codes of ignored mail (the mail log stores the code).
mail-reason-delivery_report = 배달 상태 알림(반송 메일)
mail-reason-feedback_report = 피드백·악용 신고
mail-reason-dmarc_aggregate_report = DMARC 집계 보고서
mail-reason-dmarc_failure_report = DMARC 실패 보고서
mail-reason-list_notice = 메일링 리스트 알림
mail-reason-cloud_notification = 메일 서비스 알림(JSON)
mail-reason-read_receipt = 읽음 확인
mail-reason-auto_reply = 자동 응답
mail-reason-auto_generated = 자동 생성된 메일
mail-reason-bulk_mail = 대량·리스트 메일
mail-reason-own_address_loop = 우리 주소에서 보낸 메일(루프 방지)
mail-reason-matched = { $value }(보낸 메시지에 관한 것)
mail-reason-too-large = 메시지 크기가 { $size }(으)로 한도 { $limit }을(를) 넘습니다.
mail-reason-not-fetched = 메시지 크기가 { $size }(으)로 한도 { $limit }을(를) 넘습니다. 가져오지 않았으며 IMAP 메일함에 남아 있습니다.
mail-reason-not-fetched-over = 메시지가 한도 { $limit }을(를) 넘습니다. 가져오지 않았으며 IMAP 메일함에 남아 있습니다.
mail-reason-unreadable = 메시지를 읽을 수 없습니다.
mail-reason-no-from = 메시지에 쓸 수 있는 보낸 사람 주소가 없습니다.
mail-reason-sender-limit = { $sender }이(가) 10분 동안 메시지를 { $count }통 넘게 보냈습니다(루프 방지).
mail-reason-other = 이 버전의 Tend가 이름을 모르는 이유로 보류되었습니다.
quarantine-col-select = 선택
quarantine-select-name = 메시지 { $id } 선택
quarantine-bulk-label = 선택한 메시지:
quarantine-bulk-retry = 선택 항목 다시 처리
quarantine-bulk-delete = 선택 항목 삭제
quarantine-delete = 삭제
quarantine-delete-name = 메시지 { $id } 삭제
quarantine-delete-title = 보류된 메일 삭제
quarantine-delete-text = { $count ->
   *[other] 메시지 { $count }개와 원본을 삭제할까요? 되돌릴 수 없습니다.
}
quarantine-delete-yes = 영구 삭제
quarantine-delete-keep = 삭제하지 않기
quarantine-deleted = { $count ->
   *[other] 메시지 { $count }개를 삭제했습니다.
}
quarantine-bulk-retried = { $count ->
   *[other] 메시지 { $count }개를 다시 처리했습니다.
}
quarantine-none-selected = 먼저 메시지를 하나 이상 선택하세요.
quarantine-cannot-retry = 메시지 { $id }은(는) 다시 처리할 수 없습니다. 원본이나 받은편지함이 없습니다.

## Admin: failed background jobs
admin-jobs = 실패한 작업
admin-jobs-about = 백그라운드 작업이 처리하지 못한 항목: 오류를 확인하고 다시 시도할 수 있습니다.
jobs-intro = 백그라운드 작업이 처리하지 못한 항목입니다. 실패한 항목은 30초 뒤, 이어서 1분, 2분, 4분 뒤에 다시 시도됩니다. 다섯 번 실패하면 관리자가 다시 시도할 때까지 멈춥니다. 그동안 작업은 다른 항목을 계속 처리합니다.
jobs-none = 실패한 항목이 없습니다. 모든 백그라운드 작업이 정상적으로 처리되고 있습니다.
jobs-col-job = 작업
jobs-col-item = 항목
jobs-col-attempts = 시도 횟수
jobs-col-error = 마지막 오류
jobs-col-failed-at = 마지막 실패
jobs-col-state = 상태
jobs-state-retry-at = { $when }에 다시 시도
jobs-state-parked = 멈춤
jobs-first-failed = 처음 실패: { $when }
jobs-retry = 다시 시도
jobs-retry-name = 항목 { $id }({ $value }) 다시 시도
jobs-retried = 항목 { $id }({ $value })을(를) 다시 시도하도록 했습니다. 작업의 다음 실행 때 처리됩니다.
jobs-retry-gone = 항목 { $id }({ $value })은(는) 더 이상 실패한 항목 목록에 없습니다. 그사이 성공했을 수 있습니다.
# The background jobs (`jobs::Job`).
job-survey = 만족도 설문
job-quiet-close = 대기 기간 후 자동 종료
job-sla-timer = 서비스 수준 타이머
job-outbox = 보내는 메일
job-automation-timer = 자동화 시간 규칙
job-automation-reply = 규칙의 자동 답장
job-channel-outbox = 채널 API URL로 보내는 메시지


## Webhooks (admin)
admin-webhooks = 웹훅
admin-webhooks-about = 대화 이벤트를 다른 시스템에 알립니다: 구독, 전송 기록, 재전송.
webhooks-intro = 선택한 종류의 이벤트를 비밀 키로 서명하여(Tend-Signature) URL로 POST합니다. 한 대화의 이벤트는 순서대로 전달됩니다. 10초 안에 2xx로 응답하지 않은 전송은 30초 후, 그다음 1, 2, 4분…(최대 1시간 간격) 뒤에 성공할 때까지 다시 시도합니다.
webhooks-none = 아직 웹훅이 없습니다.
webhooks-field-url = URL
webhooks-field-events = 이벤트
webhooks-field-secret = 비밀 키(16~200자)
webhooks-create = 웹훅 추가
webhooks-create-help = 비밀 키는 모든 전송에 서명합니다. 암호화되어 저장되며 다시 표시되지 않습니다.
webhooks-delete = 삭제
webhooks-delete-name = { $url }(으)로 가는 웹훅 삭제
webhooks-back = 모든 웹훅
webhooks-deliveries-title = { $url }(으)로의 전송
webhooks-deliveries-none = 아직 전송할 것이 없습니다. 웹훅을 추가한 뒤의 이벤트만 전송됩니다.
webhooks-col-delivery = 전송
webhooks-col-event = 이벤트
webhooks-col-conversation = 대화
webhooks-col-state = 상태
webhooks-col-attempts = 시도 횟수
webhooks-col-code = 응답
webhooks-col-error = 마지막 오류
webhooks-col-when = 시각
webhooks-delivered-at = { $when } 전송됨
webhooks-next-at = 다음 시도 { $when }
webhooks-redeliver = 재전송
webhooks-redeliver-name = 전송 { $id } 재전송
webhooks-redelivered = 전송 { $id }을(를) 다시 대기열에 넣었습니다.
webhooks-older = 이전 전송
webhook-state-pending = 대기 중
webhook-state-failing = 실패 중
webhook-state-delivered = 전송됨

## Reports overview (/reports)
report-dashboard-title = 보고서
report-dashboard-intro = 각 대화의 이벤트에서 측정한 수치입니다. 모든 차트 옆에 그 수치의 표가 있고, CSV에도 같은 수치가 들어 있습니다.
report-csat-link = 만족도 설문 자세히 보기
report-dashboard-link = 보고서 개요
report-period = 기간
report-last-days = 최근 { $count }일
report-custom-period = 지정한 날짜
report-bucket = 집계 단위
report-bucket-day = 일
report-bucket-week = 주
report-breakdown-by = 세부 기준
report-breakdown-metric = 세부 지표
report-business-hours = 영업시간만
report-dates-help = 시작일과 종료일(두 날짜 모두 포함)을 쓰려면 기간에서 ‘지정한 날짜’를 선택하세요.
report-time-zone = 날짜와 시간은 사용자의 시간대({ $tz }) 기준입니다.
report-both-dates = 두 날짜를 모두 입력하거나 기간을 선택하세요.
report-summary = 요약
report-this-period = 이번 기간: { $from } ~ { $to }.
report-previous-period = 비교 기간(직전의 같은 일수): { $from } ~ { $to }.
report-col-metric = 지표
report-col-now = 이번 기간
report-col-before = 이전 기간
report-col-change = 변화
report-col-count = 측정 수
report-col-value = 값
report-col-median = 중앙값
report-col-p90 = 90번째 백분위수
report-col-weekday = 요일
report-csv = CSV 다운로드
report-trends = 추이
report-per-day = 일별 { $metric }
report-per-week = 주별 { $metric }
report-breakdown = 세부 분석
report-breakdown-caption = { $name }별 { $metric }
report-dimension-agent = 상담원
report-dimension-team = 팀
report-dimension-inbox = 받은편지함
report-dimension-channel = 채널
report-dimension-language = 언어
report-dimension-tag = 태그
report-by-language = 언어별
report-by-tag = 태그별
report-no-language = 언어 없음
report-no-tag = 태그 없음
report-heatmap = 요일·시간대별 새 대화
report-heatmap-intro = 기간 동안 요일과 시간대마다 생성된 새 대화 수입니다(사용자의 시간대 기준).
report-no-data = 이 기간에 측정된 것이 없습니다.
report-seconds = { $count }초
report-change-percent = { $value }%
report-change-points = { $value }%p
report-metric-first-response-time = 첫 응답 시간
report-metric-next-response-time = 다음 응답 시간
report-metric-resolution-time = 해결 시간
report-metric-confirmation-time = 고객 확인까지 걸린 시간
report-metric-sla-attainment = 서비스 수준 달성률
report-metric-csat = CSAT
report-metric-response-rate = 설문 응답률
report-metric-volume = 대화 수
report-metric-reopens = 다시 열림
report-metric-transfers = 이관

# The channel API
inbox-outbound-url = 답장을 보내는 곳
inbox-outbound-help = 데스크의 답장을 시크릿으로 서명해 이곳으로 보냅니다. 비워 두면 아무 곳에도 보내지 않습니다.
inbox-secret = 서명 시크릿
inbox-secret-set = 시크릿이 설정되어 있습니다. 비워 두면 유지되고, 새 값(16자 이상)을 입력하면 바뀝니다.
inbox-secret-none = 아직 시크릿이 없습니다. 설정할 때까지 들어오는 메시지는 거부됩니다(16자 이상).
inbox-secret-off = 시크릿 삭제
inbox-bot-token = 봇 토큰
inbox-bot-token-set = 토큰이 설정되어 있습니다. 비워 두면 유지되고, @BotFather에서 받은 새 토큰을 붙여 넣으면 바뀝니다.
inbox-bot-token-none = 아직 토큰이 없습니다. @BotFather가 봇에 준 토큰을 붙여 넣으세요.
inbox-api-base = Bot API 서버
inbox-mode = 업데이트 받는 방법
inbox-mode-polling = 롱 폴링(외부에서 Tend로 접속할 필요 없음)
inbox-mode-webhook = 웹훅(Telegram이 Tend로 보냄)
inbox-webhook-auto = 웹훅 모드에서는 저장하면 Tend가 Telegram에 업데이트를 보낼 주소를 알립니다: { $url }
inbox-webhook-manual = 웹훅 모드에서는 Telegram의 setWebhook을 Tend의 공개 주소 뒤에 다음 경로를 붙여 호출하거나, public_url을 설정해 Tend가 하도록 하세요: { $url }
inbox-webhook-secret = 웹훅 시크릿 토큰
inbox-webhook-secret-set = 시크릿 토큰이 설정되어 있습니다. 비워 두면 유지됩니다.
inbox-webhook-secret-none = 아직 시크릿 토큰이 없습니다. 설정할 때까지 웹훅 호출은 거부됩니다(영문자, 숫자, _, -).
inbox-failing = 발신 URL이 { $when }부터 Tend의 인증 정보를 거부하고 있습니다: { $value }. 수신 측을 고친 뒤 새 시크릿이나 URL을 설정하세요.
inbox-failing-telegram = Bot API가 { $when }부터 이 봇을 거부하고 있습니다: { $value }. @BotFather의 새 토큰이나 주소를 고친 뒤 저장하세요.
inbox-telegram-polling = { $url }에서 롱 폴링으로 봇의 업데이트를 읽습니다.
inbox-telegram-webhook = Telegram이 이 받은편지함의 웹훅으로 봇의 업데이트를 보냅니다 (Bot API: { $url }).
inbox-telegram-no-token = 아직 봇 토큰이 없습니다. 아래에서 설정하세요.
inbox-failing-whatsapp = Graph API가 { $when }부터 WhatsApp 액세스 토큰을 거부하고 있습니다: { $value }. Meta Business Manager에서 새 토큰을 설정하세요.
inbox-whatsapp-number = WhatsApp 번호 { $id }(으)로 { $url }을(를) 통해 보냅니다.
inbox-whatsapp-unset = 아직 전화번호 ID나 액세스 토큰이 없습니다. 관리자가 API로 설정합니다 (whatsapp.phone_number_id, whatsapp.access_token).

# Event kinds by name (the webhooks page)
event-kind-created = 대화 생성
event-kind-message-added = 메시지 추가
event-kind-note-added = 내부 메모 추가
event-kind-assigned = 담당자 변경
event-kind-transferred = 이관
event-kind-queued = 배정 대기열에 추가
event-kind-status-changed = 상태 변경
event-kind-priority-changed = 우선순위 변경
event-kind-tags-changed = 태그 변경
event-kind-team-changed = 팀 변경
event-kind-inbox-changed = 받은편지함 변경
event-kind-customer-changed = 고객 변경
event-kind-language-changed = 언어 변경
event-kind-join-refused = 답장 거부(종료된 대화)
event-kind-delivery-failed = 전송 실패
event-kind-mail-held = 메일 보류
event-kind-survey-sent = 설문 발송
event-kind-survey-skipped = 설문 미발송
event-kind-survey-answered = 설문 응답
event-kind-follow-up-created = 후속 조치 생성
event-kind-follow-up-done = 후속 조치 완료
event-kind-sla-applied = 서비스 수준 적용
event-kind-sla-warning = 서비스 수준 경고
event-kind-sla-breached = 서비스 수준 위반
event-kind-sla-fulfilled = 서비스 수준 충족
event-kind-automation-fired = 자동화 규칙 실행
event-kind-automation-stopped = 자동화 규칙 중지
event-kind-remedy-recorded = 보상 기록
event-kind-remedy-decided = 보상 결정
event-kind-problem-linked = 문제에 연결
event-kind-problem-unlinked = 문제 연결 해제
event-kind-snoozed = 다시 알림 설정
event-kind-unsnoozed = 다시 알림 종료
event-kind-merged-into = 다른 대화로 병합
event-kind-merged-from = 다른 대화가 병합됨
event-kind-split-to = 메시지 분리
event-kind-split-from = 다른 대화에서 분리
event-kind-linked = 관련 대화 연결
event-kind-unlinked = 관련 대화 연결 해제
event-kind-side-conversation-started = 사이드 대화 시작
event-kind-side-message-sent = 사이드 대화 메시지 발송
event-kind-side-reply-received = 사이드 대화 답장 수신
event-kind-reply-undone = 답장 회수(보내기 취소)
event-kind-call-answered = 전화 응답
event-kind-call-missed = 부재중 전화
event-kind-call-ended = 통화 종료
