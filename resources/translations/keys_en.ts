<?xml version='1.0' encoding='utf-8'?>
<!-- Keyboard labels (mnemonics shown in the labels) and the Esc guard: see gui/keyboard.py -->
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>IntakeForm</name>
    <message>
        <source>手機(&amp;M)</source>
        <translation>&amp;Mobile phone</translation>
    </message>
    <message>
        <source>領件機關(&amp;K)</source>
        <translation>Pic&amp;kup office</translation>
    </message>
    <message>
        <source>清除表單(&amp;L)</source>
        <translation>C&amp;lear form</translation>
    </message>
</context>
<context>
    <name>PaymentPage</name>
    <message>
        <source>查詢(&amp;L)</source>
        <translation>&amp;Look up</translation>
    </message>
    <message>
        <source>核定規費(&amp;A)</source>
        <translation>&amp;Assess fee</translation>
    </message>
    <message>
        <source>列印／重印(&amp;R)</source>
        <translation>Print / &amp;reprint</translation>
    </message>
    <message>
        <source>作廢(&amp;D)</source>
        <translation>Voi&amp;d</translation>
    </message>
    <message>
        <source>退費(&amp;U)</source>
        <translation>Ref&amp;und</translation>
    </message>
    <message>
        <source>日結表(&amp;C)…</source>
        <translation>Daily &amp;closing…</translation>
    </message>
    <message>
        <source>開立線上繳費收據(&amp;E)</source>
        <translation>Online payment r&amp;eceipt</translation>
    </message>
    <message>
        <source>更正收費方式(&amp;M)</source>
        <translation>Correct &amp;method</translation>
    </message>
</context>
<context>
    <name>PickupDesk</name>
    <message>
        <source>辨識照片(&amp;R)…</source>
        <translation>&amp;Read from photo…</translation>
    </message>
    <message>
        <source>重新整理(&amp;E)</source>
        <translation>R&amp;efresh</translation>
    </message>
    <message>
        <source>確認交付(&amp;D)</source>
        <translation>Confirm han&amp;dover</translation>
    </message>
    <message>
        <source>列印領件單(&amp;S)</source>
        <translation>Print pickup &amp;slip</translation>
    </message>
    <message>
        <source>向縣府線上查詢(&amp;L)</source>
        <translation>&amp;Look up online at the county</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>衝突 %1 件(&amp;T)</source>
        <translation>Conflic&amp;ts: %1</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>處理所選衝突(&amp;R)…</source>
        <translation>&amp;Resolve the selected conflict…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>本頁有尚未送出的資料，Esc 不會離開；請先送出或清除（F3 回案件清單）</source>
        <translation>This page has input not yet submitted: Esc does not leave it. Submit or clear it first (F3: case queue).</translation>
    </message>
</context>
</TS>
