# Tend 상담원 화면 — 자동화 규칙: 관리 페이지와 대화 페이지의 "자동화" 영역(한국어).

## 목록
auto-about = 어떤 일이 일어났을 때나 일정 시간이 지난 뒤 대화에 대해 스스로 동작하는 규칙.
admin-automations = 자동화
auto-intro = 규칙은 대화에 대해 스스로 동작하며, 이 목록의 위에서부터 차례로 실행됩니다. 새 규칙은 꺼진 상태로 만들어집니다. 시험 실행으로 확인한 뒤 켜세요.
auto-none = 아직 규칙이 없습니다.
auto-new = 새 규칙
auto-col-order = 순서
auto-col-when = 실행 시점
auto-col-state = 상태
auto-col-parts = 조건과 동작
auto-parts = 조건: { $count } · 동작: { $value }
auto-on = 켜짐
auto-off = 꺼짐
auto-move-up = 위로
auto-move-down = 아래로
auto-enable = 켜기
auto-disable = 끄기
auto-enable-named = { $name } 켜기
auto-disable-named = { $name } 끄기
auto-edit = 편집
auto-edit-named = { $name } 편집
auto-delete = 삭제
auto-delete-named = { $name } 삭제
auto-delete-title = 규칙 "{ $name }"을(를) 삭제할까요?
auto-delete-text = 이 규칙이 한 일은 대화 타임라인에 남습니다. 되돌릴 수 없습니다.
auto-delete-keep = 삭제하지 않기
auto-when-after = { $name }부터 { $value } 후
auto-when-business = { $value }({ $name }의 영업시간 기준)

## 양식
auto-new-title = 새 규칙
auto-edit-title = 규칙: { $name }
auto-back = 모든 규칙
auto-when-kind-event = 어떤 일이 일어났을 때
auto-when-kind-after = 어떤 시점부터 몇 분이 지났을 때
auto-event = 일
auto-minutes = 분
auto-since = 기준 시점
auto-calendar = 캘린더
auto-calendar-none = 모든 분을 셈(캘린더 없음)
auto-conditions = 조건
auto-conditions-help = 조건이 없으면 규칙은 항상 동작합니다. "모두" 조건은 모두 충족해야 하고, "하나라도" 조건이 있으면 그중 하나를 충족해야 합니다. "다음 중 하나"에는 쉼표로 구분한 값을 입력합니다. 받은편지함, 팀, 담당자는 ID로 지정합니다. "없음"은 값을 비워 두세요.
auto-no-conditions = 조건 없음: 규칙이 항상 동작합니다.
auto-condition-n = 조건 { $id }
auto-group = 묶음
auto-group-all = 모두 충족
auto-group-any = 하나라도 충족
auto-cond-field = 항목
auto-cond-op = 비교
auto-cond-value = 값
auto-choose = — 선택 —
auto-add-condition = 조건 추가
auto-remove-condition = 조건 { $id } 삭제
auto-actions = 동작
auto-actions-help = 규칙이 하는 일이며, 이 순서대로 실행됩니다.
auto-action-n = 동작 { $id }
auto-action-type = 동작
auto-add-action = 동작 추가
auto-remove-action = 동작 { $id } 삭제
auto-value-status = 새 상태
auto-value-priority = 새 우선순위
auto-value-tags = 태그(쉼표로 구분)
auto-value-team = 팀
auto-value-agent = 상담원
auto-value-text = 본문
auto-value-url = 주소(http:// 또는 https://)
auto-value-secret = 서명용 비밀 값(선택)
auto-trace = 동작하지 않은 평가 기록
auto-trace-help = 대화 페이지의 "자동화" 영역에 표시되어 "규칙이 왜 동작하지 않았는지" 알 수 있습니다.
auto-error-number = 정수를 입력하세요.
auto-saved-off = 저장했습니다. 규칙은 꺼져 있습니다. 시험 실행으로 확인한 뒤 켜세요.

## 시험 실행과 켜기
auto-state-on = 이 규칙은 켜져 있습니다.
auto-state-off = 이 규칙은 꺼져 있습니다. 켜기 전에 시험 실행으로 영향을 받을 대화를 확인할 수 있습니다.
auto-dry-run = 시험 실행
auto-dry-days = 되돌아볼 일수
auto-dry-help = 이 기간에 변경된 대화 중 지금 상태로 규칙의 조건에 맞는 대화를 보여 줍니다. 아무것도 바꾸지 않습니다.
auto-dry-title = 최근 { $count }일 시험 실행
auto-dry-matched = 일치할 대화
auto-dry-examined = 살펴본 대화
auto-dry-sample = 그중 일부
auto-dry-none = 일치하는 대화가 없습니다.

## 대화 페이지
auto-panel-title = 자동화
auto-panel-show = 규칙이 왜 동작했거나 동작하지 않았나요?
auto-panel-none = 규칙이 없습니다.
auto-holds = 지금 조건을 충족합니다.
auto-holds-not = 지금 조건을 충족하지 않습니다.
auto-held = 충족
auto-not-held = 충족하지 않음
auto-always = 조건 없음.
auto-traces = 동작하지 않은 평가
auto-traces-none = 기록이 없습니다(기록하도록 설정한 규칙만 기록합니다).

## 규칙이 동작하는 일
auto-event-conversation-created = 대화가 생성됨
auto-event-message-added = 메시지가 추가됨
auto-event-status-changed = 상태가 바뀜
auto-event-priority-changed = 우선순위가 바뀜
auto-event-tags-changed = 태그가 바뀜
auto-event-assigned = 담당자가 바뀜
auto-event-sla-warning = 서비스 수준 경고
auto-event-sla-breached = 서비스 수준 위반
auto-event-survey-answered = 고객이 설문에 응답함

## 시간 규칙의 기준 시점
auto-since-created = 생성
auto-since-status-changed = 마지막 상태 변경
auto-since-last-customer-message = 고객의 마지막 메시지
auto-since-last-agent-message = 상담 창구의 마지막 공개 메시지

## 조건 항목
auto-field-status = 상태
auto-field-priority = 우선순위
auto-field-channel = 채널
auto-field-inbox-id = 받은편지함(ID)
auto-field-team-id = 팀(ID)
auto-field-assignee-id = 담당자(사용자 ID)
auto-field-tags = 태그
auto-field-language = 언어
auto-field-subject = 제목
auto-field-text = 메시지 본문
auto-field-message-from = 메시지 작성자
auto-field-customer-email = 고객 이메일
auto-field-customer-name = 고객 이름
auto-field-sla-breached = 위반된 서비스 수준
auto-field-hours-since-created = 생성 후 경과 시간(시간)

## 비교
auto-op-is = 같음
auto-op-is-not = 같지 않음
auto-op-in = 다음 중 하나
auto-op-not-in = 다음 중 어느 것도 아님
auto-op-contains = 포함
auto-op-not-contains = 포함하지 않음
auto-op-gt = 보다 큼
auto-op-lt = 보다 작음

## 규칙의 동작
auto-action-set-status = 상태 설정
auto-action-set-priority = 우선순위 설정
auto-action-add-tags = 태그 추가
auto-action-remove-tags = 태그 삭제
auto-action-assign-team = 팀에 배정
auto-action-assign-agent = 상담원에게 배정
auto-action-reply = 공개 답장
auto-action-note = 내부 메모
auto-action-webhook = 웹훅 호출
