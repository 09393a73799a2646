<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>LookupPanel</name>
    <message>
        <source>查調書證(&amp;K)</source>
        <translation>Document &amp;kind</translation>
    </message>
    <message>
        <source>民眾當場同意(&amp;Y)</source>
        <translation>Citizen consents now (&amp;Y)</translation>
    </message>
    <message>
        <source>民眾此刻同意查調所選書證：同意與查詢結果一併記錄</source>
        <translation>The citizen consents now to this document being looked up: the consent is recorded with the result</translation>
    </message>
    <message>
        <source>免書證查詢(&amp;L)</source>
        <translation>Document-free &amp;lookup</translation>
    </message>
    <message>
        <source>經民眾同意向縣府查調書證，結果附於本案（Ctrl+Shift+D）</source>
        <translation>With the citizen's consent, ask the county for the document; the result is attached to this case (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>{name}（已同意）</source>
        <translation>{name} (consented)</translation>
    </message>
    <message>
        <source>向縣府查調 {name} 中…</source>
        <translation>Looking up {name} at the county…</translation>
    </message>
    <message>
        <source>已查調 {name}（{subject}），結果已附於本案：{fields}</source>
        <translation>Looked up {name} ({subject}); the result is attached to this case: {fields}</translation>
    </message>
    <message>
        <source>案件 {n}：已查調 {name}</source>
        <translation>Case {n}: {name} looked up</translation>
    </message>
    <message>
        <source>案件 {n}：{text}</source>
        <translation>Case {n}: {text}</translation>
    </message>
    <message>
        <source>發生錯誤，請洽資訊人員</source>
        <translation>Something went wrong; call IT</translation>
    </message>
</context>
</TS>
