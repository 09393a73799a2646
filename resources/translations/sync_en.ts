<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>SyncStatusWidget</name>
    <message>
        <source>○ 尚未連線</source>
        <translation>○ Not connected yet</translation>
    </message>
    <message>
        <source>● 已連線</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>○ 離線</source>
        <translation>○ Offline</translation>
    </message>
    <message>
        <source>待送 %1 筆　上次同步 %2</source>
        <translation>%1 waiting · last sync %2</translation>
    </message>
    <message>
        <source>衝突 %1 件</source>
        <translation>Conflicts: %1</translation>
    </message>
    <message>
        <source>隔離 %1 筆</source>
        <translation>%1 set aside</translation>
    </message>
    <message>
        <source>其他櫃檯的事件 %1 筆無法由本機上傳，請洽資訊人員</source>
        <translation>%1 events of another counter cannot be sent from here: call IT</translation>
    </message>
    <message>
        <source>還原後待自縣府取回</source>
        <translation>Restored: awaiting recovery</translation>
    </message>
    <message>
        <source>還原後尚未自縣府取回資料：暫停收件與收費，連線縣府後自動取回</source>
        <translation>Restored, not yet recovered from the county: no intake or payment until the county answers and the sync gets it back</translation>
    </message>
    <message>
        <source>已自縣府取回還原後的資料，可以繼續收件與收費</source>
        <translation>The restored database was recovered from the county: intake and payments can go on</translation>
    </message>
    <message>
        <source>縣府伺服器：%1</source>
        <translation>County server: %1</translation>
    </message>
    <message>
        <source>○ 離線，重試中 %1／%2</source>
        <translation>○ Offline, retrying %1/%2</translation>
    </message>
    <message>
        <source>● 同步中 %1／%2</source>
        <translation>● Syncing %1/%2</translation>
    </message>
    <message>
        <source>● 接收中 %1／%2</source>
        <translation>● Receiving %1/%2</translation>
    </message>
    <message>
        <source>已接收 %1／%2</source>
        <translation>Received %1/%2</translation>
    </message>
    <message>
        <source>○ 連線中…</source>
        <translation>○ Connecting…</translation>
    </message>
    <message>
        <source>○ 離線：%1</source>
        <translation>○ Offline: %1</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>同步衝突</source>
        <translation>Sync conflicts</translation>
    </message>
    <message>
        <source>處理所選衝突…</source>
        <translation>Resolve the selected conflict…</translation>
    </message>
    <message>
        <source>處理衝突</source>
        <translation>Resolve conflict</translation>
    </message>
    <message>
        <source>案件 {0} 的處理說明：</source>
        <translation>How the conflict of case {0} was resolved:</translation>
    </message>
    <message>
        <source>沒有待處理的衝突</source>
        <translation>No conflict left to resolve</translation>
    </message>
</context>
</TS>
