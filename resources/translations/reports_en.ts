<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="58"/>
        <source>準時結案</source>
        <extracomment>(kind, zh label); the English comes from reports_en.ts (context ReportsPage).</extracomment>
        <translation>On time</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="59"/>
        <source>服務使用量</source>
        <translation>Usage</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="60"/>
        <source>免書證節省</source>
        <translation>Document-free savings</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="61"/>
        <source>目標達成</source>
        <translation>Targets</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="161"/>
        <source>報表種類(&amp;K)</source>
        <extracomment>Export formats: (suffix, button text). PDF is ours, CSV and XLSX the report writers&apos;. Rows a table shows before it scrolls inside itself. The report computation (tests give their own); runs on a worker. Asks where to save (suffix) -&gt; path or None; tests answer without a dialog.</extracomment>
        <translation>Report &amp;kind</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="168"/>
        <source>起日(&amp;B)</source>
        <translation>&amp;Beginning</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="170"/>
        <source>迄日(&amp;E)</source>
        <translation>&amp;End</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="172"/>
        <source>產生報表(&amp;R) Enter</source>
        <translation>&amp;Run report  Enter</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="190"/>
        <source>選擇報表種類與期間，按 Enter 產生報表。</source>
        <translation>Choose the report and the period, then press Enter.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="205"/>
        <source>匯出 CSV(&amp;C)</source>
        <translation>Export &amp;CSV</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="206"/>
        <source>匯出 XLSX(&amp;X)</source>
        <translation>Export &amp;XLSX</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="207"/>
        <source>匯出 PDF(&amp;D)</source>
        <translation>Export P&amp;DF</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="268"/>
        <source>計算中…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="277"/>
        <source>計算報表</source>
        <translation>Computing the report</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="288"/>
        <source>報表無法產生：{e}</source>
        <translation>The report could not be made: {e}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="300"/>
        <source>{title}&#x3000;{office}&#x3000;{start} 至 {end}</source>
        <translation>{title}   {office}   {start} to {end}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="325"/>
        <source>報表已產生：{t}</source>
        <translation>Report ready: {t}</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="374"/>
        <source>（本期無資料）</source>
        <translation>(nothing in this period)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="389"/>
        <source>CSV 檔 (*.csv)</source>
        <translation>CSV file (*.csv)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="390"/>
        <source>Excel 活頁簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="391"/>
        <source>PDF 檔 (*.pdf)</source>
        <translation>PDF file (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="393"/>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="415"/>
        <source>匯出報表</source>
        <translation>Export the report</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/reports_page.py" line="422"/>
        <source>報表已匯出：{p}</source>
        <translation>Report exported: {p}</translation>
    </message>
</context>
</TS>
