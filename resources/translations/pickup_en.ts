<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>PickupDesk</name>
    <message>
        <source>已交付：{case}</source>
        <translation>Handed over: {case}</translation>
    </message>
    <message>
        <source>掃描條碼，或輸入領件碼（例如 0427-K7M3）後按 Enter</source>
        <translation>Scan the code, or type the short code (e.g. 0427-K7M3) and press Enter</translation>
    </message>
    <message>
        <source>辨識照片…</source>
        <translation>Read from photo…</translation>
    </message>
    <message>
        <source>領件碼</source>
        <translation>Pickup code</translation>
    </message>
    <message>
        <source>領件號碼</source>
        <translation>Pickup no.</translation>
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
        <source>應繳</source>
        <translation>Fees due</translation>
    </message>
    <message>
        <source>重新整理</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>本所待領件</source>
        <translation>Ready for pickup here</translation>
    </message>
    <message>
        <source>本所待領件：列出最早的 {shown} 件／共 {total} 件</source>
        <translation>Ready for pickup here: the oldest {shown} of {total}</translation>
    </message>
    <message>
        <source>請掃描民眾手機上的領件條碼</source>
        <translation>Scan the code on the citizen's phone</translation>
    </message>
    <message>
        <source>交付文件</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>尚需繳費</source>
        <translation>Fees still due</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>由他人代領</source>
        <translation>Collected on behalf of the applicant</translation>
    </message>
    <message>
        <source>代領人姓名</source>
        <translation>Collector's name</translation>
    </message>
    <message>
        <source>代領人身分證字號</source>
        <translation>Collector's ID number</translation>
    </message>
    <message>
        <source>與申請人關係</source>
        <translation>Relation to the applicant</translation>
    </message>
    <message>
        <source>領件人</source>
        <translation>Collected by</translation>
    </message>
    <message>
        <source>確認交付</source>
        <translation>Confirm handover</translation>
    </message>
    <message>
        <source>列印領件單</source>
        <translation>Print pickup slip</translation>
    </message>
    <message>
        <source>驗證中…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <source>選擇手機畫面照片</source>
        <translation>Choose a photo of the phone screen</translation>
    </message>
    <message>
        <source>圖片 (*.png *.jpg *.jpeg *.bmp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
    <message>
        <source>畫面上的案件正在交付，完成後請再掃描下一位民眾的條碼</source>
        <translation>The case on screen is being handed over; scan the next citizen's code once it is done</translation>
    </message>
    <message>
        <source>照片中找不到條碼，請重拍（避免反光，條碼置中）。</source>
        <translation>No code found in the photo; take it again (no glare, code centred).</translation>
    </message>
    <message>
        <source>無</source>
        <translation>None</translation>
    </message>
    <message>
        <source>溢繳 {n} 元（請於收費頁退費）</source>
        <translation>Over-paid NT${n} (refund it on the fees page)</translation>
    </message>
    <message>
        <source>溢繳 {n}</source>
        <translation>Over-paid {n}</translation>
    </message>
    <message>
        <source>領件單已產生：{path}</source>
        <translation>Pickup slip written: {path}</translation>
    </message>
    <message>
        <source>向縣府線上查詢</source>
        <translation>Look up online at the county</translation>
    </message>
    <message>
        <source>注意：本案有縣府回報的同步衝突尚未處理，交付前請洽主管。</source>
        <translation>Warning: the county reported an unresolved sync conflict on this case; ask a supervisor before handing over.</translation>
    </message>
    <message>
        <source>向縣府查詢中…</source>
        <translation>Asking the county…</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{name} {n} {unit}</source>
        <translation>{name} × {n}</translation>
    </message>
    <message>
        <source>{n} 元</source>
        <translation>NT${n}</translation>
    </message>
    <message>
        <source>領件單已送印（{n} 頁）</source>
        <translation>Pickup slip sent to the printer ({n} pages)</translation>
    </message>
    <message>
        <source>尚有規費 {n} 元未繳：按 F6 收費，或經主管核准交付</source>
        <translation>NT${n} in fees still due: press F6 to take the payment, or have a supervisor approve the handover</translation>
    </message>
    <message>
        <source>相機掃描(&amp;C) F12</source>
        <translation>&amp;Camera scan F12</translation>
    </message>
    <message>
        <source>相機開啟中…</source>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <source>請民眾將手機條碼對準鏡頭</source>
        <translation>Ask the citizen to hold the phone's code up to the camera</translation>
    </message>
    <message>
        <source>身分證字號（居留證號、統一編號）</source>
        <translation>National ID (or resident no., UBN)</translation>
    </message>
    <message>
        <source>持身分證領件(&amp;I)</source>
        <translation>&amp;ID card pickup</translation>
    </message>
    <message>
        <source>簡訊領件號碼（可免填）</source>
        <translation>SMS pickup no. (optional)</translation>
    </message>
    <message>
        <source>依證號查詢(&amp;U)</source>
        <translation>Look &amp;up by ID</translation>
    </message>
    <message>
        <source>查詢中…</source>
        <translation>Looking up…</translation>
    </message>
    <message>
        <source>畫面上的案件正在交付，完成後請再查詢下一位民眾的案件</source>
        <translation>The case on screen is being handed over; look up the next citizen's case after that</translation>
    </message>
</context>
<context>
    <name>StrayScans</name>
    <message>
        <source>掃描到領件條碼（未輸入到欄位）；本帳號不辦理領件，請民眾至領件櫃台</source>
        <translation>A pickup code was scanned (not typed into the field); this account does not hand documents over: send the citizen to the pickup desk</translation>
    </message>
    <message>
        <source>掃描到領件條碼（未輸入到欄位）</source>
        <translation>A pickup code was scanned (not typed into the field)</translation>
    </message>
    <message>
        <source>領件條碼</source>
        <translation>Pickup code</translation>
    </message>
    <message>
        <source>已改為最後掃描的條碼。</source>
        <translation>Changed to the code scanned last.</translation>
    </message>
    <message>
        <source>掃描到另一個領件條碼：以最後掃描的為準</source>
        <translation>Another pickup code was scanned: the one scanned last is checked</translation>
    </message>
    <message>
        <source>掃描到的是民眾的領件條碼，並未輸入到目前的欄位。要開啟「多媒體簡訊領件」頁核對這個條碼嗎？</source>
        <translation>What was scanned is a citizen's pickup code; it was not typed into the field. Open the MMS pickup desk to check this code?</translation>
    </message>
</context>
</TS>
