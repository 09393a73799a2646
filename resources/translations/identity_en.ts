<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>IdentityPanel</name>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="187"/>
        <source>尋找讀卡機…</source>
        <translation>Looking for card readers…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="192"/>
        <source>讀自健保卡（未經驗證）</source>
        <translation>Read from NHI card (not verified)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="207"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="208"/>
        <source>身分證字號</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="209"/>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="210"/>
        <source>卡號</source>
        <translation>Card number</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="214"/>
        <source>自然人憑證身分驗證</source>
        <translation>MOICA certificate identity check</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="216"/>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="331"/>
        <source>尚未選定案件（驗證結果不會記錄）</source>
        <translation>No case selected (the result will not be recorded)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="220"/>
        <source>驗證自然人憑證(&amp;V)</source>
        <translation>&amp;Verify MOICA card</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="231"/>
        <source>主管覆核(&amp;O)</source>
        <translation>Supervisor &amp;override</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="245"/>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="274"/>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="277"/>
        <source>未連接讀卡機</source>
        <translation>No card reader connected</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="247"/>
        <source>請插入健保卡</source>
        <translation>Insert the NHI card</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="249"/>
        <source>讀卡中…</source>
        <translation>Reading card…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="251"/>
        <source>已讀取健保卡</source>
        <translation>NHI card read</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="254"/>
        <source>此卡不是健保卡（已略過）</source>
        <translation>Not an NHI card (ignored)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="255"/>
        <source>健保卡資料無法辨識，請重新插卡或改以人工輸入</source>
        <translation>The NHI card data is not readable; reinsert it or type the data</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="257"/>
        <source>讀卡服務中斷，重新連線中…</source>
        <translation>Smart-card service interrupted; reconnecting…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="258"/>
        <source>讀卡發生錯誤，請重新插卡</source>
        <translation>Card error; please reinsert the card</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="293"/>
        <source>（無法解碼）</source>
        <translation>(cannot be decoded)</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="299"/>
        <source>姓名含健保卡字集外的字，無法正確讀出：請依身分證人工輸入。</source>
        <translation>The name contains a character outside the card's character set: type it from the ID card.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="301"/>
        <source>姓名含罕用字，請與身分證核對。</source>
        <translation>The name contains a rare character; compare it with the ID card.</translation>
    </message>
    <message>
        <source>持卡人不是畫面上案件 %1 的申請人（%2），請核對。</source>
        <translation>The card holder is not the applicant of case %1 on screen (%2); check.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="303"/>
        <source>身分證字號檢查碼錯誤，請與身分證核對。</source>
        <translation>The ID number's check digit is wrong; compare it with the ID card.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="324"/>
        <source>驗證結果將記錄於案件 %1</source>
        <translation>The result will be recorded on case %1</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="335"/>
        <source>讀取自然人憑證…</source>
        <translation>Reading the MOICA card…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="353"/>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="362"/>
        <source>驗證中…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="401"/>
        <source>自然人憑證驗證發生錯誤</source>
        <translation>The MOICA check failed with an error</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="131"/>
        <source>主管覆核</source>
        <translation>Supervisor override</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="133"/>
        <source>憑證撤銷狀態無法確認。由主管決定是否接受，並記錄於案件。</source>
        <translation>The certificate's revocation status cannot be confirmed. A supervisor decides whether to accept it; the decision is recorded on the case.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="138"/>
        <source>主管帳號</source>
        <translation>Supervisor account</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="139"/>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>PIN 碼</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="86"/>
        <source>輸入自然人憑證 PIN 碼</source>
        <translation>Enter the MOICA card PIN</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="112"/>
        <source>注意：只剩最後 1 次機會，再輸入錯誤將鎖卡。請持卡人自行輸入 PIN 碼。</source>
        <translation>Warning: ONE try left; another wrong PIN locks the card. The holder types the PIN.</translation>
    </message>
    <message>
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="114"/>
        <source>PIN 碼曾輸入錯誤，剩餘次數已減少。請持卡人自行輸入 PIN 碼。</source>
        <translation>A wrong PIN was entered before; fewer tries are left. The holder types the PIN.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../eservice_desktop/gui/identity_panel.py" line="116"/>
        <source>請持卡人自行輸入 PIN 碼（可嘗試 %n 次）。</source>
        <translation>
            <numerusform>The holder types the PIN (%n try allowed).</numerusform>
            <numerusform>The holder types the PIN (%n tries allowed).</numerusform>
        </translation>
    </message>
</context>
</TS>
