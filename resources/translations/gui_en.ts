<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>CaseDetail</name>
    <message>
        <source>案件歷程</source>
        <translation>Case history</translation>
    </message>
    <message>
        <source>駁回案件 {number}？駁回後本案即結束，不能復原；民眾會收到通知與理由：{reason}</source>
        <translation>Reject case {number}? A rejected case ends for good and cannot be reopened; the citizen is told, with the reason: {reason}</translation>
    </message>
    <message>
        <source>撤件案件 {number}？撤件後本案即結束，不能復原；民眾會收到撤件通知（不含理由），理由記錄於案件：{reason}</source>
        <translation>Cancel case {number}? A cancelled case ends for good and cannot be reopened; the citizen is sent a cancellation notice (without the reason), and the reason is recorded on the case: {reason}</translation>
    </message>
    <message>
        <source>本案已繳規費 {paid} 元：結束案件不會退費；民眾申請退費時，請在收費頁（F6）辦理。</source>
        <translation>NT${paid} of fees was paid on this case: ending the case refunds nothing; if the citizen asks for a refund, make it on the fees page (F6).</translation>
    </message>
    <message>
        <source>駁回</source>
        <translation>Reject case</translation>
    </message>
    <message>
        <source>結案</source>
        <translation>Close case</translation>
    </message>
    <message>
        <source>結案案件 {number}？結案後本案即結束，不能復原；民眾會收到結案通知。</source>
        <translation>Close case {number}? A closed case ends for good and cannot be reopened; the citizen is sent the closing notice.</translation>
    </message>
    <message>
        <source>結案備註：{reason}</source>
        <translation> Note on the closing: {reason}</translation>
    </message>
    <message>
        <source>撤件</source>
        <translation>Cancel case</translation>
    </message>
    <message>
        <source>返回(&amp;B)</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>案號</source>
        <extracomment>Event type -&gt; (zh-TW, English) shown in the timeline.</extracomment>
        <translation>Case number</translation>
    </message>
    <message>
        <source>申辦項目</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>申請人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>狀態</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>處理期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>時間</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>承辦人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>機關</source>
        <translation>Office</translation>
    </message>
    <message>
        <source>說明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>處理</source>
        <translation>Actions</translation>
    </message>
    <message>
        <source>補正、駁回或撤件的理由（補正、駁回會通知民眾）</source>
        <translation>Reason for a supplement, rejection or cancellation (a supplement's and a rejection's are sent to the citizen)</translation>
    </message>
    <message>
        <source>理由(&amp;R)</source>
        <translation>&amp;Reason</translation>
    </message>
    <message>
        <source>通知補正(&amp;S)</source>
        <translation>Request &amp;supplement</translation>
    </message>
    <message>
        <source>補正完成(&amp;D)</source>
        <translation>Supplement &amp;done</translation>
    </message>
    <message>
        <source>線上收件(&amp;A)</source>
        <translation>&amp;Accept online case</translation>
    </message>
    <message>
        <source>結案(&amp;C)</source>
        <translation>&amp;Close case</translation>
    </message>
    <message>
        <source>重新開啟(&amp;O)</source>
        <translation>Re&amp;open case</translation>
    </message>
    <message>
        <source>駁回(&amp;J)</source>
        <translation>Re&amp;ject</translation>
    </message>
    <message>
        <source>撤件(&amp;N)</source>
        <translation>Ca&amp;ncel case</translation>
    </message>
    <message>
        <source>補正中，期限暫停（{reason}）</source>
        <translation>Waiting for a supplement, deadline paused ({reason})</translation>
    </message>
    <message>
        <source>期限暫停</source>
        <translation>Deadline paused</translation>
    </message>
    <message>
        <source>到期日 {due}（已辦結）</source>
        <translation>Due {due} (finished)</translation>
    </message>
    <message>
        <source>到期日 {due}（已逾期）</source>
        <translation>Due {due} (overdue)</translation>
    </message>
    <message numerus="yes">
        <source>到期日 {due}（剩 %n 個工作天）</source>
        <translation>
            <numerusform>Due {due} (%n working day left)</numerusform>
            <numerusform>Due {due} (%n working days left)</numerusform>
        </translation>
    </message>
    <message>
        <source>請先輸入理由</source>
        <translation>Enter a reason first</translation>
    </message>
    <message>
        <source>已更新案件 {n}</source>
        <translation>Case {n} updated</translation>
    </message>
    <message>
        <source>發生錯誤，請洽資訊人員</source>
        <translation>Something went wrong; please call IT</translation>
    </message>
    <message>
        <source>{name}（{code}）</source>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <source>　暫定（{year} 年辦公日曆尚未匯入）</source>
        <translation> — provisional (no working calendar imported for {year})</translation>
    </message>
    <message>
        <source>尚有規費 {n} 元未繳，請按 F6 收費</source>
        <translation>NT${n} in fees still due: press F6 to take the payment</translation>
    </message>
    <message>
        <source>民眾通知</source>
        <translation>Citizen notices</translation>
    </message>
    <message>
        <source>階段</source>
        <translation>Stage</translation>
    </message>
    <message>
        <source>管道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>結果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>新手機(&amp;M)</source>
        <translation>New &amp;mobile</translation>
    </message>
    <message>
        <source>變更手機號碼(&amp;U)</source>
        <translation>Change mobile n&amp;umber</translation>
    </message>
    <message>
        <source>更正申請人(&amp;I)…</source>
        <translation>Correct applicant deta&amp;ils…</translation>
    </message>
    <message>
        <source>收件時姓名、地址或電子郵件打錯：更正並註明理由</source>
        <translation>The name, an address or the e-mail address was typed wrong at intake: correct it, with the reason</translation>
    </message>
    <message>
        <source>更正申請人資料：案件 {number}</source>
        <translation>Correct the applicant's details: case {number}</translation>
    </message>
    <message>
        <source>申請人姓名(&amp;N)</source>
        <translation>Applicant's &amp;name</translation>
    </message>
    <message>
        <source>例如：姓名誤植，依身分證更正</source>
        <translation>e.g. name mistyped, corrected from the ID card</translation>
    </message>
    <message>
        <source>電子郵件(&amp;M)</source>
        <translation>E-&amp;mail</translation>
    </message>
    <message>
        <source>更正理由(&amp;R)</source>
        <translation>&amp;Reason for the correction</translation>
    </message>
    <message>
        <source>身分證字號不能更正（請撤件後重新收件）。已印出的收據不會改變；之後開立的收據與領件單使用更正後的資料。</source>
        <translation>The ID number cannot be corrected (cancel the case and take it in again). Receipts already printed stay as printed; receipts and pickup slips printed from now on show the corrected details.</translation>
    </message>
    <message>
        <source>更正(&amp;O)</source>
        <translation>C&amp;orrect</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>已更正案件 {n} 的申請人資料</source>
        <translation>The applicant's details of case {n} are corrected</translation>
    </message>
    <message>
        <source>民眾換了手機：之後的通知改寄新號碼；已待領件者另發新領件碼（Enter）</source>
        <translation>The citizen has a new phone: later notices go to the new number; a case ready for pickup gets a new pickup code (Enter)</translation>
    </message>
    <message>
        <source>目前 {phone}</source>
        <translation>Now {phone}</translation>
    </message>
    <message>
        <source>未留手機</source>
        <translation>No mobile number</translation>
    </message>
    <message>
        <source>重發領件碼(&amp;Q)</source>
        <translation>New pickup code (&amp;Q)</translation>
    </message>
    <message>
        <source>重發領件碼</source>
        <translation>New pickup code</translation>
    </message>
    <message>
        <source>為案件 {number} 另發領件碼？同步後縣府寄出新的領件碼與領件號碼至 {phone}，先前寄出的領件碼即不能領件。只是沒收到簡訊，請改用重送通知（Alt+W）。</source>
        <translation>Issue a new pickup code for case {number}? After the sync the county sends a new code and pickup number to {phone}, and the code sent before no longer collects anything. For a message that merely did not arrive, use Resend notice (Alt+W) instead.</translation>
    </message>
    <message>
        <source>（未留手機）</source>
        <translation>(no mobile number)</translation>
    </message>
    <message>
        <source>申請人另有案件的手機號碼不是 {phone}：{cases}（請逐案變更）</source>
        <translation>Other cases of the applicant have another number than {phone}: {cases} (change each on its own)</translation>
    </message>
    <message>
        <source>重送通知(&amp;W)</source>
        <translation>Resend notice (&amp;W)</translation>
    </message>
    <message>
        <source>請縣府再送一次所選的通知（下次同步送出）</source>
        <translation>Ask the county to send the selected notice again (sent with the next sync)</translation>
    </message>
    <message>
        <source>已要求縣府重送通知（案件 {n}）</source>
        <translation>Asked the county to resend the notice (case {n})</translation>
    </message>
    <message>
        <source>通知補正：案件 {number}</source>
        <translation>Request a supplement: case {number}</translation>
    </message>
    <message>
        <source>民眾會收到通知與補正事項：{reason}</source>
        <translation>The applicant is notified of what to supply: {reason}</translation>
    </message>
    <message>
        <source>民國年，例如 115/12/18；可空白</source>
        <translation>ROC year, e.g. 115/12/18 (year 115 = 2026); may be left blank</translation>
    </message>
    <message>
        <source>補件期限(&amp;D)</source>
        <translation>Supply by &amp;date</translation>
    </message>
    <message>
        <source>應補文件(&amp;F)</source>
        <translation>Documents to supply (&amp;F)</translation>
    </message>
    <message>
        <source>，補件期限 {by} 已過</source>
        <translation>; the date to supply by, {by}, has passed</translation>
    </message>
    <message>
        <source>，待繳逾 {days} 工作天</source>
        <translation>; fee unpaid {days} working days</translation>
    </message>
    <message>
        <source>，請於 {by} 前補件</source>
        <translation>; to be supplied by {by}</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>輸入代碼或名稱篩選</source>
        <translation>Type a code or name to filter</translation>
    </message>
    <message>
        <source>申辦項目(&amp;S)</source>
        <translation>&amp;Service</translation>
    </message>
    <message>
        <source>身分證字號、居留證號或統一編號</source>
        <translation>National ID, resident certificate or business number</translation>
    </message>
    <message>
        <source>申請人證號(&amp;I)</source>
        <translation>Applicant &amp;ID</translation>
    </message>
    <message>
        <source>申請人姓名(&amp;N)</source>
        <translation>Applicant &amp;name</translation>
    </message>
    <message>
        <source>手機(&amp;P)</source>
        <translation>Mobile &amp;phone</translation>
    </message>
    <message>
        <source>電子郵件(&amp;E)</source>
        <translation>&amp;E-mail</translation>
    </message>
    <message>
        <source>申辦項目資料</source>
        <translation>Service details</translation>
    </message>
    <message>
        <source>同意以免書證免謄本方式查調</source>
        <translation>Consent to document-free lookups</translation>
    </message>
    <message>
        <source>份數(&amp;C)</source>
        <translation>&amp;Copies</translation>
    </message>
    <message>
        <source>領件方式(&amp;U)</source>
        <translation>Pick&amp;up</translation>
    </message>
    <message>
        <source>領件機關(&amp;O)</source>
        <translation>Pickup &amp;office</translation>
    </message>
    <message>
        <source>送出收件（Ctrl+Enter）</source>
        <translation>Submit intake (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>清除表單</source>
        <translation>Clear form</translation>
    </message>
    <message>
        <source>查無此申辦項目，請輸入代碼或名稱</source>
        <translation>No such service; type its code or name</translation>
    </message>
    <message>
        <source>請先選擇申辦項目</source>
        <translation>Choose a service first</translation>
    </message>
    <message numerus="yes">
        <source>處理期限 %n 個工作天　規費每{unit} {fee} 元</source>
        <translation>
            <numerusform>Time limit %n working day, fee NT${fee} per {unit}</numerusform>
            <numerusform>Time limit %n working days, fee NT${fee} per {unit}</numerusform>
        </translation>
    </message>
    <message>
        <source>　需以自然人憑證驗證身分</source>
        <translation>, identity must be proven with a MOICA card</translation>
    </message>
    <message>
        <source>民國年/月/日，例如 115/03/10</source>
        <translation>ROC year/month/day, e.g. 115/03/10</translation>
    </message>
    <message>
        <source>地段及地號，例如 中正段 0123-0000</source>
        <translation>Section and parcel number, e.g. 中正段 0123-0000</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>已還原未送出的收件草稿</source>
        <translation>Restored the unsent intake draft</translation>
    </message>
    <message>
        <source>日期格式錯誤，請輸入民國年/月/日，例如 115/03/10</source>
        <translation>Invalid date: enter ROC year/month/day, e.g. 115/03/10</translation>
    </message>
    <message>
        <source>請選擇申辦項目</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <source>已收件：{number}，到期日 {due}</source>
        <translation>Received: {number}, due {due}</translation>
    </message>
    <message>
        <source>已收件：{number}，繳清規費後起算處理期限</source>
        <translation>Received: {number}; the time limit starts once the fee is paid</translation>
    </message>
    <message>
        <source>送出後修改的內容未收件，仍留在表單上；不需要時按 Alt+L 清除表單</source>
        <translation>Changes made after submitting are not in this case; they stay on the form (Alt+L clears it if not needed)</translation>
    </message>
    <message>
        <source>警告：本機已 {hours} 小時未與縣府同步，請檢查網路或通知資訊人員</source>
        <translation>Warning: no sync with the county for {hours} h; check the network or call IT</translation>
    </message>
    <message>
        <source>收件失敗，請洽資訊人員；表單已保留為草稿</source>
        <translation>Intake failed; please call IT. The form is kept as a draft</translation>
    </message>
    <message>
        <source>尚未收件；填寫的內容仍在表單上，問題排除後再按送出收件（Ctrl+Enter）</source>
        <translation>Not taken in; what was typed is still on the form: submit it again (Ctrl+Enter) once this is put right</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>資料庫升級中（先備份），大型資料庫需時數分鐘，請勿關閉視窗…</source>
        <translation>Upgrading the database (after a backup); a large one takes minutes, do not close the window…</translation>
    </message>
    <message>
        <source>備份與還原(&amp;K)…</source>
        <translation>Bac&amp;kup and restore…</translation>
    </message>
    <message>
        <source>檔案(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>結束(&amp;X)</source>
        <translation>E&amp;xit</translation>
    </message>
    <message>
        <source>頁面(&amp;P)</source>
        <translation>&amp;Pages</translation>
    </message>
    <message>
        <source>前往(&amp;G)</source>
        <translation>&amp;Go</translation>
    </message>
    <message>
        <source>搜尋案件(&amp;S)</source>
        <translation>&amp;Search cases</translation>
    </message>
    <message>
        <source>返回上一頁(&amp;B)</source>
        <translation>&amp;Back</translation>
    </message>
    <message>
        <source>說明(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>關於(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <source>鍵盤快速鍵(&amp;K)</source>
        <translation>&amp;Keyboard shortcuts</translation>
    </message>
    <message>
        <source>{office}（{code}）櫃檯 {device}　承辦人：{clerk}</source>
        <translation>{office} ({code}) counter {device}, clerk: {clerk}</translation>
    </message>
    <message>
        <source>建立示範資料</source>
        <translation>Creating demo data</translation>
    </message>
    <message>
        <source>頁面</source>
        <translation>Pages</translation>
    </message>
</context>
<context>
    <name>QueuePage</name>
    <message>
        <source>將到期</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>搜尋案件</source>
        <translation>Search cases</translation>
    </message>
    <message>
        <source>案件清單</source>
        <translation>Case list</translation>
    </message>
    <message>
        <source>今日收件</source>
        <extracomment>(queue name in services.cases, zh-TW label, key in queue_counts or "")</extracomment>
        <translation>Today</translation>
    </message>
    <message>
        <source>待補正</source>
        <translation>Awaiting supplement</translation>
    </message>
    <message>
        <source>兩日內到期</source>
        <translation>Due within 2 days</translation>
    </message>
    <message>
        <source>逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>線上申辦</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>管道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>送件時間</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <source>預約時間</source>
        <translation>Reservation</translation>
    </message>
    <message>
        <source>臨櫃</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>網路</source>
        <translation>Web</translation>
    </message>
    <message>
        <source>超商</source>
        <translation>Kiosk</translation>
    </message>
    <message>
        <source>全部未結</source>
        <translation>All open</translation>
    </message>
    <message>
        <source>案號</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>申辦項目</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>申請人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>身分證號</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>狀態</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>收件時間</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>到期日</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>剩餘工作天</source>
        <translation>Working days left</translation>
    </message>
    <message>
        <source>搜尋案號、身分證號或姓名（Ctrl+F）</source>
        <translation>Search by case number, ID number or name (Ctrl+F)</translation>
    </message>
    <message>
        <source>篩選目前清單</source>
        <translation>Filter this list</translation>
    </message>
    <message>
        <source>顯示 {shown} 筆／共 {total} 件</source>
        <translation>Showing {shown} of {total}</translation>
    </message>
    <message>
        <source>顯示 {shown} 筆／計算總數中…</source>
        <translation>Showing {shown} (counting all…)</translation>
    </message>
    <message>
        <source>篩選後 {kept} 筆（{text}）</source>
        <translation>{kept} left by the filter ({text})</translation>
    </message>
    <message>
        <source>（暫定）</source>
        <translation> (provisional)</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>收費方式由{old}更正為{new}</source>
        <translation>method corrected from {old} to {new}</translation>
    </message>
    <message>
        <source>{method} {amount} 元</source>
        <translation>{method} NT${amount}</translation>
    </message>
    <message>
        <source>{name}（{id}）代理 {applicant} 領取</source>
        <translation>Collected by {name} ({id}) as proxy for {applicant}</translation>
    </message>
    <message>
        <source>{n} 份</source>
        <translation>copies: {n}</translation>
    </message>
    <message>
        <source>{source}：{verdict}</source>
        <translation>{source}: {verdict}</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>主管覆核後通過</source>
        <translation>passed after a supervisor's override</translation>
    </message>
    <message>
        <source>交易序號 {reference}</source>
        <translation>transaction reference {reference}</translation>
    </message>
    <message>
        <source>健保卡</source>
        <translation>NHI card</translation>
    </message>
    <message>
        <source>刷卡</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>原因：{reason}</source>
        <translation>reason: {reason}</translation>
    </message>
    <message>
        <source>憑證序號 {serial}</source>
        <translation>certificate serial {serial}</translation>
    </message>
    <message>
        <source>應繳 {total} 元</source>
        <translation>NT${total} due</translation>
    </message>
    <message>
        <source>持卡人與申請人不符</source>
        <translation>card holder is NOT the applicant</translation>
    </message>
    <message>
        <source>持卡人與申請人相符</source>
        <translation>card holder is the applicant</translation>
    </message>
    <message>
        <source>掃描領件 QR 碼</source>
        <translation>pickup QR code scanned</translation>
    </message>
    <message>
        <source>收 {tendered} 元，找零 {change} 元</source>
        <translation>tendered NT${tendered}, change NT${change}</translation>
    </message>
    <message>
        <source>收據 {number}</source>
        <translation>receipt {number}</translation>
    </message>
    <message>
        <source>查驗未通過</source>
        <translation>verification failed</translation>
    </message>
    <message>
        <source>查驗通過</source>
        <translation>verified</translation>
    </message>
    <message>
        <source>減免 {amount} 元</source>
        <translation>NT${amount} reduced</translation>
    </message>
    <message>
        <source>減免理由：{reason}</source>
        <translation>exemption reason: {reason}</translation>
    </message>
    <message>
        <source>無法確認憑證廢止狀態</source>
        <translation>revocation status unknown</translation>
    </message>
    <message>
        <source>現金</source>
        <translation>Cash</translation>
    </message>
    <message>
        <source>申請人本人領取</source>
        <translation>Collected by the applicant in person</translation>
    </message>
    <message>
        <source>線上繳費</source>
        <translation>Online payment</translation>
    </message>
    <message>
        <source>自然人憑證</source>
        <translation>MOICA certificate</translation>
    </message>
    <message>
        <source>核准主管 {account}</source>
        <translation>approved by supervisor {account}</translation>
    </message>
    <message>
        <source>{action}：{who}</source>
        <translation>{action}: {who}</translation>
    </message>
    <message>
        <source>覆核主管 {supervisor}：{reason}</source>
        <translation>override by supervisor {supervisor}: {reason}</translation>
    </message>
    <message>
        <source>輸入領件短碼</source>
        <translation>pickup short code typed</translation>
    </message>
    <message>
        <source>查驗身分證件領件</source>
        <translation>collected on the ID card</translation>
    </message>
    <message>
        <source>退費 {amount} 元</source>
        <translation>NT${amount} refunded</translation>
    </message>
    <message>
        <source>關係：{relation}</source>
        <translation>relation: {relation}</translation>
    </message>
    <message>
        <source>領件號碼 {number}</source>
        <translation>pickup number {number}</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>{d} 前補件</source>
        <translation>supply by {d}</translation>
    </message>
</context>
<context>
    <name>RocDateEdit</name>
    <message>
        <source>民國年/月/日，例如 115/03/10；↑↓ 加減一天</source>
        <translation>ROC year/month/day, e.g. 115/03/10 (year 115 = 2026), or 2026-03-10; Up/Down: one day</translation>
    </message>
    <message>
        <source>{typed} 不是有效的日期，已改回 {day}</source>
        <translation>{typed} is not a valid date; set back to {day}</translation>
    </message>
    <message>
        <source>日期格式錯誤，請輸入民國年/月/日，例如 115/03/10</source>
        <translation>Not a valid date: enter an ROC year/month/day, e.g. 115/03/10, or 2026-03-10</translation>
    </message>
</context>
<context>
    <name>BackupDialog</name>
    <message>
        <source>備份與還原</source>
        <translation>Backup and restore</translation>
    </message>
    <message>
        <source>備份時間</source>
        <translation>Taken at</translation>
    </message>
    <message>
        <source>每小時</source>
        <translation>hourly</translation>
    </message>
    <message>
        <source>日結</source>
        <translation>daily closing</translation>
    </message>
    <message>
        <source>手動</source>
        <translation>manual</translation>
    </message>
    <message>
        <source>還原前保留</source>
        <translation>kept before a restore</translation>
    </message>
    <message>
        <source>升級前保留</source>
        <translation>kept before an upgrade</translation>
    </message>
    <message>
        <source>種類</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>距今（小時）</source>
        <translation>Age (hours)</translation>
    </message>
    <message>
        <source>立即備份(&amp;B)</source>
        <translation>&amp;Back up now</translation>
    </message>
    <message>
        <source>驗證所選備份(&amp;V)</source>
        <translation>&amp;Verify the selected backup</translation>
    </message>
    <message>
        <source>備份中…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>已備份：{0}</source>
        <translation>Backed up: {0}</translation>
    </message>
    <message>
        <source>請先選擇一個備份</source>
        <translation>Select a backup first</translation>
    </message>
    <message>
        <source>驗證中…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <source>驗證通過：{0} 件案件，備份於 {1} 小時前</source>
        <translation>Verified: {0} cases, taken {1} hours ago</translation>
    </message>
    <message>
        <source>驗證失敗：{0}</source>
        <translation>Verification failed: {0}</translation>
    </message>
    <message>
        <source>失敗：{0}</source>
        <translation>Failed: {0}</translation>
    </message>
    <message>
        <source>還原所選備份(&amp;R)…</source>
        <translation>&amp;Restore the selected backup…</translation>
    </message>
    <message>
        <source>備份位置：{0}
還原會先驗證備份並列出將遺失的資料，確認後才置換資料庫，並自縣府取回本機已同步的事件。</source>
        <translation>Backup location: {0}
A restore verifies the backup and lists what would be lost first; only after you confirm does it replace the database and pull back from the county this device's synchronised events.</translation>
    </message>
    <message>
        <source>確認還原</source>
        <translation>Confirm the restore</translation>
    </message>
    <message>
        <source>確認還原(&amp;C)</source>
        <translation>&amp;Confirm the restore</translation>
    </message>
    <message>
        <source>不還原（Esc）</source>
        <translation>Do not restore (Esc)</translation>
    </message>
    <message>
        <source>檢查備份與目前資料中…</source>
        <translation>Checking the backup and the current data…</translation>
    </message>
    <message>
        <source>備份驗證失敗，不能用來還原：{0}</source>
        <translation>The backup failed verification and cannot be restored: {0}</translation>
    </message>
    <message>
        <source>備份時間：{0}（{1} 小時前），{2} 件案件，驗證通過</source>
        <translation>Taken: {0} ({1} hours ago), {2} cases, verified</translation>
    </message>
    <message>
        <source>目前的資料庫無法讀取：已送達縣府的事件還原後會自縣府取回</source>
        <translation>The database in use cannot be read: events the county has come back after the restore</translation>
    </message>
    <message>
        <source>最後一次同步之後未送出的工作無法確認，須依紙本核對</source>
        <translation>Work not sent since the last sync cannot be checked and must be compared with the paper forms</translation>
    </message>
    <message>
        <source>最近一次與縣府同步：{0}</source>
        <translation>Last synchronised with the county: {0}</translation>
    </message>
    <message>
        <source>備份之後已送達縣府的 {0} 筆事件，還原後會自縣府取回</source>
        <translation>{0} events made after the backup reached the county and come back after the restore</translation>
    </message>
    <message>
        <source>下列 {0} 筆本機事件尚未送達縣府，還原後將遺失，須依紙本重新輸入：</source>
        <translation>These {0} events of this counter never reached the county and will be lost; re-enter them from the paper forms:</translation>
    </message>
    <message>
        <source>不會遺失任何資料</source>
        <translation>Nothing will be lost</translation>
    </message>
    <message>
        <source>請確認是否還原（Alt+C 確認，Esc 取消）</source>
        <translation>Confirm the restore (Alt+C) or cancel (Esc)</translation>
    </message>
    <message>
        <source>未還原</source>
        <translation>Not restored</translation>
    </message>
    <message>
        <source>還原中…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <source>還原</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>保留目前資料庫並置換檔案…</source>
        <translation>Keeping the current database aside and switching the files…</translation>
    </message>
    <message>
        <source>開啟還原的資料庫…</source>
        <translation>Opening the restored database…</translation>
    </message>
    <message>
        <source>驗證還原的資料庫…</source>
        <translation>Verifying the restored database…</translation>
    </message>
    <message>
        <source>自縣府取回本機已同步的事件…</source>
        <translation>Pulling back this counter's synchronised events from the county…</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>已自 {0} 還原</source>
        <translation>Restored from {0}</translation>
    </message>
    <message>
        <source>{0}；未自縣府取回事件（{1}）。取回前本機暫停收件與收費；連上縣府後，同步會自動取回</source>
        <translation>{0}; no events got back from the county ({1}). Until they are, this PC takes no intake and no payment; once the county answers, the sync gets them back by itself</translation>
    </message>
    <message>
        <source>{0}；自縣府取回本機事件 {1} 筆、其他櫃檯事件 {2} 筆。</source>
        <translation>{0}; {1} events of this counter and {2} of other counters came back from the county. </translation>
    </message>
    <message>
        <source>遺失 {0} 筆未同步的事件，須依紙本重新輸入：</source>
        <translation>{0} events that were never synchronised are lost; re-enter them from the paper forms:</translation>
    </message>
    <message>
        <source>沒有遺失任何資料。</source>
        <translation>Nothing was lost.</translation>
    </message>
    <message>
        <source>原資料庫無法讀取：{0} 之後未同步的工作無法確認，請依紙本核對。</source>
        <translation>The previous database could not be read: work after {0} that was not synchronised cannot be checked; compare with the paper forms.</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>移到欄位：{0}</source>
        <translation>Go to field: {0}</translation>
    </message>
    <message>
        <source>分頁：{0}</source>
        <translation>Tab: {0}</translation>
    </message>
    <message>
        <source>鍵盤快速鍵</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>按鍵</source>
        <translation>Key</translation>
    </message>
    <message>
        <source>動作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>這一頁</source>
        <translation>This page</translation>
    </message>
    <message>
        <source>側邊面板</source>
        <translation>Side panels</translation>
    </message>
    <message>
        <source>整個視窗</source>
        <translation>Whole window</translation>
    </message>
    <message>
        <source>戶政／地政事務所櫃檯系統</source>
        <translation>Household / Land Office Counter</translation>
    </message>
    <message>
        <source>版本 {0}</source>
        <translation>Version {0}</translation>
    </message>
    <message>
        <source>事務所：{0}（{1}）櫃檯 {2}</source>
        <translation>Office: {0} ({1}), counter {2}</translation>
    </message>
    <message>
        <source>資料夾：{0}</source>
        <translation>Data folder: {0}</translation>
    </message>
    <message>
        <source>縣府伺服器：{0}</source>
        <translation>County server: {0}</translation>
    </message>
    <message>
        <source>未設定</source>
        <translation>not set</translation>
    </message>
    <message>
        <source>示範模式（資料為示範資料）</source>
        <translation>Demo mode (the data is demo data)</translation>
    </message>
    <message>
        <source>關於</source>
        <translation>About</translation>
    </message>
</context>
</TS>