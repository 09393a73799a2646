<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>CaseDetail</name>
    <message>
        <source>附件（可將檔案拖放至此）</source>
        <translation>Attachments (drop files here)</translation>
    </message>
    <message>
        <source>檔名</source>
        <translation>File name</translation>
    </message>
    <message>
        <source>類型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>附加時間</source>
        <translation>Attached</translation>
    </message>
    <message>
        <source>上傳</source>
        <translation>Upload</translation>
    </message>
    <message>
        <source>附加檔案(&amp;E)…</source>
        <translation>Attach fil&amp;e…</translation>
    </message>
    <message>
        <source>PNG、JPEG 圖檔或 PDF（Ctrl+Shift+A）</source>
        <translation>PNG or JPEG image, or PDF (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>已上傳</source>
        <translation>Uploaded</translation>
    </message>
    <message>
        <source>待上傳</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>附加檔案至案件 {n}</source>
        <translation>Attach a file to case {n}</translation>
    </message>
    <message>
        <source>圖檔或 PDF (*.png *.jpg *.jpeg *.pdf);;所有檔案 (*)</source>
        <translation>Images or PDF (*.png *.jpg *.jpeg *.pdf);;All files (*)</translation>
    </message>
    <message>
        <source>附加中：{name}</source>
        <translation>Attaching: {name}</translation>
    </message>
    <message>
        <source>已附加 {name}（待同步上傳）</source>
        <translation>Attached {name} (waiting for sync upload)</translation>
    </message>
    <message>
        <source>已附加 {name}（已上傳）</source>
        <translation>Attached {name} (uploaded)</translation>
    </message>
    <message>
        <source>案件 {n}：{text}</source>
        <translation>Case {n}: {text}</translation>
    </message>
</context>
</TS>
