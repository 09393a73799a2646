<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>CaseDetail</name>
    <message>
        <source>應備文件</source>
        <translation>Required documents</translation>
    </message>
    <message>
        <source>申請內容</source>
        <translation>Application details</translation>
    </message>
    <message>
        <source>（收件時未記錄）</source>
        <translation>(not recorded at intake)</translation>
    </message>
    <message>
        <source>已收 {n}／{total}</source>
        <translation>Presented {n}/{total}</translation>
    </message>
</context>
<context>
    <name>IdentityPanel</name>
    <message>
        <source>驗證結果將記錄於案件 %1（%2）</source>
        <translation>The verification will be recorded on case %1 (%2)</translation>
    </message>
    <message>
        <source>申請人</source>
        <translation>applicant</translation>
    </message>
    <message>
        <source>畫面上無案件：驗證結果將隨收件表單記錄於新案件（申請人 %1）</source>
        <translation>No case on screen: the verification will be recorded with the new case of the intake form (applicant %1)</translation>
    </message>
    <message>
        <source>畫面上無案件：驗證結果將隨收件表單記錄；請先在收件表單輸入申請人證號及姓名</source>
        <translation>No case on screen: the verification goes with the intake form; first enter the applicant's ID number and name there</translation>
    </message>
    <message>
        <source>已記錄於案件 %1</source>
        <translation>Recorded on case %1</translation>
    </message>
    <message>
        <source>案件 %1 的驗證結果：</source>
        <translation>The verification of case %1:</translation>
    </message>
    <message>
        <source>收件表單的申請人已變更或已清除：先前的驗證不再適用</source>
        <translation>The intake form's applicant changed or was cleared: the earlier verification no longer applies</translation>
    </message>
    <message>
        <source>畫面上無案件，收件表單也尚無申請人：請先輸入申請人證號及姓名，或開啟案件</source>
        <translation>No case on screen and no applicant on the intake form yet: enter the applicant's ID number and name, or open a case</translation>
    </message>
    <message>
        <source>畫面上的案件已變更，未驗證：請再按「驗證自然人憑證」</source>
        <translation>The case on screen changed; nothing was verified: press "Verify citizen certificate" again</translation>
    </message>
    <message>
        <source>將於收件送出時記錄於新案件</source>
        <translation>Will be recorded on the new case when the intake is submitted</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>已自縣府取回還原後的資料：表單內容仍在，請再送出收件</source>
        <translation>The restored database was recovered from the county: the form is as typed, submit the intake again</translation>
    </message>
    <message>
        <source>捨棄草稿(&amp;D)</source>
        <translation>&amp;Discard draft</translation>
    </message>
    <message>
        <source>保留並繼續(&amp;R)</source>
        <translation>Keep and continue (&amp;R)</translation>
    </message>
    <message>
        <source>應備文件（已收到者請勾選）</source>
        <translation>Required documents (tick those presented)</translation>
    </message>
    <message>
        <source>請選擇</source>
        <translation>Please choose</translation>
    </message>
    <message>
        <source>清除表單(&amp;L)</source>
        <translation>C&amp;lear form</translation>
    </message>
    <message>
        <source>已還原 {when} 未送出的收件草稿。</source>
        <translation>Restored an unsubmitted intake draft from {when}.</translation>
    </message>
    <message>
        <source>已還原未送出的收件草稿。</source>
        <translation>Restored an unsubmitted intake draft.</translation>
    </message>
    <message>
        <source>若不是這位民眾的資料，請按「捨棄草稿」(Alt+D)。</source>
        <translation>If it is not this citizen's, press "Discard draft" (Alt+D).</translation>
    </message>
    <message>
        <source>已捨棄收件草稿</source>
        <translation>Intake draft discarded</translation>
    </message>
    <message>
        <source>申請人證號</source>
        <translation>Applicant ID number</translation>
    </message>
    <message>
        <source>申請人姓名</source>
        <translation>Applicant name</translation>
    </message>
    <message>
        <source>{field}：表單為「{typed}」，卡片為「{card}」</source>
        <translation>{field}: the form has "{typed}", the card "{card}"</translation>
    </message>
    <message>
        <source>卡片資料與表單不同</source>
        <translation>Card data differs from the form</translation>
    </message>
    <message>
        <source>卡片資料與表單已輸入的資料不同，要以卡片資料取代嗎？</source>
        <translation>The card's data differs from what was typed in the form. Replace it with the card's data?</translation>
    </message>
    <message>
        <source>以卡片資料取代(&amp;R)</source>
        <translation>&amp;Replace with the card's data</translation>
    </message>
    <message>
        <source>保留表單資料(&amp;K)</source>
        <translation>&amp;Keep the form's data</translation>
    </message>
    <message>
        <source>自然人憑證已驗證，送出時記錄於案件</source>
        <translation>Citizen certificate verified; recorded on the case when submitted</translation>
    </message>
</context>
</TS>
