<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_TW" sourcelanguage="en">
<!-- Strings of Qt's own dialogs and widgets that qtbase_zh_TW.qm (shipped with PySide6) leaves
     in English, whole or in part (QDockWidget's buttons: 取消 Dock 並重新加上 Dock 小工具).
     Loaded after it in Chinese mode (gui/i18n.py), so only these gaps come from here. -->
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>搜尋位置(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>檔案類型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation>磁碟機</translation>
    </message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message>
        <source>Page &amp;order:</source>
        <translation>頁面順序(&amp;O)：</translation>
    </message>
    <message>
        <source>Pages &amp;per sheet:</source>
        <translation>每張頁數(&amp;P)：</translation>
    </message>
</context>
<context>
    <name>QDockWidget</name>
    <message>
        <source>Undocks and re-attaches the dock widget</source>
        <translation>將此面板移出視窗或放回原位</translation>
    </message>
    <message>
        <source>Closes the dock widget</source>
        <translation>關閉此面板</translation>
    </message>
</context>
</TS>
