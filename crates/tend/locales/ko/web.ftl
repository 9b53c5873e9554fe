# Tend 상담원 화면 — 한국어. en/web.ftl의 모든 키가 있어야 합니다.

## 틀과 탐색
skip-to-content = 본문으로 건너뛰기
nav-label = 주 메뉴
nav-inbox = 받은편지함
nav-customers = 고객
nav-admin = 관리
nav-inboxes = 받은편지함
nav-teams = 팀
search-label = 대화 검색
search-placeholder = 검색 (/ 키)
sign-out = 로그아웃
back-home = 받은편지함으로 돌아가기
close = 닫기
save = 저장
apply = 적용

## 키보드 도움말
help-title = 키보드 단축키
key-move = 다음 / 이전 대화
key-open = 대화 열기
key-reply = 답장
key-note = 내부 메모
key-assign = 담당자 지정
key-status = 상태 변경
key-search = 검색
key-help = 이 도움말

## 로그인, 초기 설정, 계정
sign-in-title = Tend 로그인
sign-in = 로그인
sign-in-failed = 이메일과 비밀번호가 활성 계정과 일치하지 않습니다.
sign-in-rate-limited = 실패한 시도가 너무 많습니다. 15분 후에 다시 시도하세요.
field-email = 이메일
field-password = 비밀번호
field-name = 이름
field-new-password = 새 비밀번호 (8자 이상)
field-repeat-password = 새 비밀번호 확인
field-current-password = 현재 비밀번호
field-language = 언어
field-timezone = 시간대
field-organization = 조직
field-local-time = 현지 시각
field-first-seen = 처음 문의
field-contacts = 문의
field-team = 팀
field-tags = 태그
setup-title = 첫 관리자 만들기
setup-intro = 이 페이지는 Tend를 설정할 때 한 번만 사용할 수 있습니다. 여기서 만든 계정으로 다른 모든 사람을 초대할 수 있습니다.
setup-submit = 관리자 만들기
invite-title = 비밀번호 설정
invite-intro = { $name }님, 환영합니다. 비밀번호를 정하고 Tend를 시작하세요.
invite-submit = 저장하고 로그인
link-gone-title = 이 링크는 더 이상 사용할 수 없습니다
link-gone = 이미 사용되었거나 만료되었습니다. 관리자에게 새 링크를 요청하세요.
password-mismatch = 두 비밀번호가 같지 않습니다.
password-current-wrong = 현재 비밀번호가 올바르지 않습니다.
password-changed = 비밀번호가 변경되었습니다. 다른 세션은 모두 로그아웃되었습니다.
account-title = 내 계정
account-preferences = 환경 설정
account-password = 비밀번호
account-change-password = 비밀번호 변경
language-browser = 브라우저 설정 따르기
timezone-help = Asia/Seoul 또는 Europe/Riga 같은 IANA 시간대입니다. 날짜와 시간이 이 시간대로 표시됩니다.
timezone-unknown = “{ $tz }”은(는) Tend가 알 수 없는 시간대입니다.

## 받은편지함
views-label = 보기
view-mine = 내 담당
view-unassigned = 미지정
view-open = 진행 중 전체
view-pending = 보류
view-solved = 해결됨
filter-status = 상태
filter-priority = 우선순위
filter-channel = 채널
filter-tag = 태그
filter-language = 언어
filter-any = 전체
filter-apply = 필터
bulk-label = 선택한 대화 변경
bulk-assign = 담당자 지정
bulk-status = 상태 설정
bulk-tag = 태그 추가
bulk-partial = { $count ->
   *[other] 대화 { $count }개를 변경했습니다. 나머지는 변경하지 못했습니다:
}
assign-me = 나
assign-nobody = 없음
select-all = 모두 선택
select-conversation = 대화 #{ $id } 선택
col-customer = 고객
col-subject = 제목
col-status = 상태
col-priority = 우선순위
col-assignee = 담당자
col-waiting = 대기 시간
inbox-empty = 처리할 대화가 없습니다. 수고하셨습니다.
new-activity = 새 활동이 있습니다 — 새로 고침
pager-label = 페이지
pager-prev = 이전
pager-next = 다음
conversations-count = { $count ->
   *[other] 대화 { $count }개
}
duration-minutes = { $count }분
duration-hours-minutes = { $hours }시간 { $minutes }분
duration-days-hours = { $days }일 { $hours }시간

## 상태, 우선순위, 채널
status-new = 신규
status-open = 진행 중
status-pending = 보류
status-solved = 해결됨
status-closed = 종료
priority-low = 낮음
priority-normal = 보통
priority-high = 높음
priority-urgent = 긴급
channel-email = 이메일
channel-chat = 채팅
channel-web = 웹 양식
channel-api = API
channel-phone = 전화
channel-portal = 포털

## 대화
author-system = Tend
internal-note = 내부 메모
message-from = { $name }님의 메시지
show-images = 이미지 보기
show-quoted = 인용된 내용 보기
download-original = 원본 이메일 다운로드 (.eml)
cc = 참조
delivery-queued = 발송 대기
delivery-sent = 발송됨
delivery-failed = 전달 실패
delivery-held = 보류됨(자동 메일 한도)
controls = 세부 정보
transfer-reason = 이관 사유
transfer-category = 사유
transfer-words = 설명
transfer-help = 대화를 다른 담당자에게 넘기려면 사유가 필요합니다.
transfer-needs-reason = 대화를 다른 담당자에게 넘기려면 사유가 필요합니다. 사유를 고르고 직접 설명을 적어 주세요.
reason-skill = 다른 전문 지식 필요
reason-language = 언어
reason-workload = 업무량
reason-escalation = 상위 단계로 전달
reason-shift = 근무 종료
reason-other = 기타
tags-help = 태그는 쉼표로 구분합니다.
previous-conversations = 이전 대화
composer-kind = 메시지 종류
compose-reply = 고객에게 답장
compose-note = 내부 메모
compose-text = 메시지
compose-attach = 파일 첨부
send = 보내기
send-anyway = 그래도 보내기
new-customer-message = 입력하는 동안 고객이 새 메시지를 보냈습니다. 보내기 전에 새 메시지를 읽어 주세요.
viewer-viewing = { $name }님이 보는 중
viewer-replying = { $name }님이 답장 작성 중
event-created = 이 대화를 만들었습니다 ({ $channel })
event-assigned = { $to }님에게 지정했습니다
event-transferred = { $from }님에게서 { $to }님에게 이관했습니다
event-status = 상태를 { $to }(으)로 변경했습니다
event-priority = 우선순위를 { $to }(으)로 변경했습니다
event-tags = 태그를 { $tags }(으)로 변경했습니다
event-team = 팀을 변경했습니다
event-customer = 다른 고객으로 옮겼습니다
event-language = 언어를 { $to }(으)로 변경했습니다
event-mail-held = 자동 메일({ $value })을 보류했습니다: 받은편지함의 시간당 한도에 도달했습니다
mail-kind-ack = 접수 확인
mail-kind-survey = 설문
mail-kind-transcript = 채팅 기록

## 오류
error-not-found-title = 찾을 수 없음
error-not-found = 여기에는 아무것도 없거나 볼 권한이 없습니다.
error-forbidden-title = 허용되지 않음
error-forbidden = 현재 역할로는 이 작업을 할 수 없습니다.
error-csrf = 이 양식은 다른 곳에서 왔거나 만료되었습니다. 페이지를 새로 고친 후 다시 시도하세요.
error-invalid-title = 처리하지 못했습니다
error-rate-limited-title = 잠시 기다려 주세요
error-rate-limited = 요청이 너무 많습니다. 잠시 후 다시 시도하세요.
error-too-large-title = 크기가 너무 큽니다
error-too-large = 보낸 내용이 이 페이지에서 받을 수 있는 크기를 넘습니다. 줄이거나 파일은 답장의 첨부 파일로 보내 주세요.
error-internal-title = 문제가 발생했습니다
error-internal = Tend가 이 작업을 끝내지 못했습니다. 자세한 내용은 서버 로그에 있습니다.

## 배정 상태 (헤더), 성공 사례, 상담원 프로필
nav-stories = 성공 사례
nav-reports = 보고서
presence-label = 새 대화 배정 상태
presence-set = 설정
presence-online = 온라인
presence-away = 자리 비움
presence-offline = 오프라인
presence-now = 배정 상태: { $to }
stories-title = 성공 사례
stories-intro = 문제가 해결되었다고 확인한 고객의 말입니다. 의견과 함께 4점 또는 5점을 준 응답이며, 답변한 상담원의 성과로 기록됩니다.
stories-none = 아직 성공 사례가 없습니다.
stories-older = 이전 사례
stories-newest = 최신 사례
story-rating = 5점 만점에 { $count }점
story-credited = 담당:
story-customer-unnamed = 고객
agent-kind-words = 고객의 칭찬
agent-own-settings = 설정 변경
account-profile = 내 프로필과 고객의 칭찬
