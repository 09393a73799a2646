<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_TW">
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>主管核准</source>
        <translation>Supervisor approval</translation>
    </message>
    <message>
        <source>請主管在本櫃檯輸入自己的帳號與密碼核准；承辦人不能核准自己的申請。</source>
        <translation>A supervisor approves at this counter with their own account and password; the clerk cannot approve their own request.</translation>
    </message>
    <message>
        <source>主管帳號(&amp;U)</source>
        <translation>S&amp;upervisor account</translation>
    </message>
    <message>
        <source>主管密碼(&amp;W)</source>
        <translation>Supervisor pass&amp;word</translation>
    </message>
    <message>
        <source>核准</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>核准理由(&amp;R)</source>
        <translation>&amp;Reason for the approval</translation>
    </message>
    <message>
        <source>請填寫核准理由。</source>
        <translation>Enter the reason for the approval.</translation>
    </message>
    <message>
        <source>請輸入主管帳號。</source>
        <translation>Enter the supervisor's account.</translation>
    </message>
    <message>
        <source>不能核准自己的申請：請另一位主管輸入自己的帳號與密碼。</source>
        <translation>You cannot approve your own request: another supervisor enters their own account and password.</translation>
    </message>
    <message>
        <source>請輸入主管密碼。</source>
        <translation>Enter the supervisor's password.</translation>
    </message>
    <message>
        <source>核准中…</source>
        <translation>Approving…</translation>
    </message>
    <message>
        <source>主管帳號或密碼不正確。</source>
        <translation>Wrong supervisor account or password.</translation>
    </message>
    <message>
        <source>此帳號沒有核准權限（需主管）。</source>
        <translation>This account may not approve (a supervisor is needed).</translation>
    </message>
    <message>
        <source>此主管帳號因連續輸錯密碼已暫時鎖定。</source>
        <translation>This supervisor's account is locked for a while after repeated wrong passwords.</translation>
    </message>
    <message>
        <source>此主管帳號已停用。</source>
        <translation>This supervisor's account is disabled.</translation>
    </message>
    <message>
        <source>核准失敗：{e}</source>
        <translation>Approval failed: {e}</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>櫃檯登入</source>
        <translation>Counter sign-in</translation>
    </message>
    <message>
        <source>{office}（{code}）櫃檯 {device}</source>
        <translation>{office} ({code}) counter {device}</translation>
    </message>
    <message>
        <source>帳號(&amp;A)</source>
        <translation>&amp;Account</translation>
    </message>
    <message>
        <source>密碼(&amp;W)</source>
        <translation>Pass&amp;word</translation>
    </message>
    <message>
        <source>登入 (Enter)</source>
        <translation>Sign in (Enter)</translation>
    </message>
    <message>
        <source>請輸入帳號與密碼，按 Enter 登入。</source>
        <translation>Enter your account and password, then press Enter.</translation>
    </message>
    <message>
        <source>畫面已鎖定</source>
        <translation>Screen locked</translation>
    </message>
    <message>
        <source>{name} 的畫面已鎖定。請輸入密碼解鎖；主管或管理者登入會結束 {name} 的工作階段。</source>
        <translation>{name}'s screen is locked. Enter the password to unlock; a supervisor or office admin signing in ends {name}'s session.</translation>
    </message>
    <message>
        <source>請輸入帳號。</source>
        <translation>Enter your account.</translation>
    </message>
    <message>
        <source>請輸入密碼。</source>
        <translation>Enter your password.</translation>
    </message>
    <message>
        <source>驗證中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>{who} 不能解鎖 {name} 的畫面：只有本人、主管或管理者可以。</source>
        <translation>{who} cannot unlock {name}'s screen: only {name}, a supervisor or an office admin can.</translation>
    </message>
    <message>
        <source>已略過掃描到的條碼：登入畫面不接受條碼，請以鍵盤輸入密碼。</source>
        <translation>A scanned barcode was ignored: the sign-in screen takes no barcodes; type the password on the keyboard.</translation>
    </message>
    <message>
        <source>帳號或密碼不正確，請重新輸入。</source>
        <translation>Wrong account or password; please try again.</translation>
    </message>
    <message>
        <source>此帳號因連續輸錯密碼已暫時鎖定，請稍後再試，或請管理者重設密碼。</source>
        <translation>This account is locked for a while after repeated wrong passwords; try again later or ask the office admin to reset the password.</translation>
    </message>
    <message>
        <source>此帳號已停用，請洽管理者。</source>
        <translation>This account is disabled; please ask the office admin.</translation>
    </message>
    <message>
        <source>登入失敗：{error}</source>
        <translation>Sign-in failed: {error}</translation>
    </message>
    <message>
        <source>閒置過久，畫面已自動鎖定。</source>
        <translation>Locked after being idle too long.</translation>
    </message>
    <message>
        <source>承辦人卡片已離開讀卡機，畫面已鎖定。</source>
        <translation>Locked: the operator's card left the reader.</translation>
    </message>
    <message>
        <source>畫面已鎖定。</source>
        <translation>Screen locked.</translation>
    </message>
    <message>
        <source>（示範模式：按 Enter 即可解鎖）</source>
        <translation> (Demo mode: press Enter to unlock.)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>上班檢查</source>
        <translation>Shift-start check</translation>
    </message>
    <message>
        <source>系統檢查中…</source>
        <translation>Running the system check…</translation>
    </message>
    <message>
        <source>系統檢查</source>
        <translation>System check</translation>
    </message>
    <message>
        <source>此帳號的角色沒有可用的櫃檯頁面（可使用「檔案」選單）。</source>
        <translation>This account's roles open none of the counter pages (use the File menu).</translation>
    </message>
    <message>
        <source>系統檢查(&amp;D)…</source>
        <translation>System check (&amp;doctor)…</translation>
    </message>
    <message>
        <source>鎖定畫面(&amp;L)</source>
        <translation>&amp;Lock screen</translation>
    </message>
    <message>
        <source>變更密碼(&amp;W)…</source>
        <translation>Change pass&amp;word…</translation>
    </message>
    <message>
        <source>登出／切換操作人員(&amp;O)</source>
        <translation>Sign &amp;out / switch operator</translation>
    </message>
    <message>
        <source>{office}（{code}）櫃檯 {device}</source>
        <translation>{office} ({code}) counter {device}</translation>
    </message>
    <message>
        <source>承辦人：{name}</source>
        <translation>Clerk: {name}</translation>
    </message>
    <message>
        <source>已登出。</source>
        <translation>Signed out.</translation>
    </message>
    <message>
        <source>未設定自己的密碼，已登出。</source>
        <translation>Your own password was not set: signed out.</translation>
    </message>
    <message>
        <source>鎖定時開著的對話框已取消，未做任何動作；請重新操作。</source>
        <translation>The dialog open when the screen locked was cancelled and nothing was done; please do it again.</translation>
    </message>
    <message>
        <source>此帳號已停用，已登出；請以其他帳號登入。</source>
        <translation>This account has been disabled and is signed out; sign in with another account.</translation>
    </message>
</context>
<context>
    <name>OperatorsPage</name>
    <message>
        <source>操作人員帳號</source>
        <translation>Operator accounts</translation>
    </message>
    <message>
        <source>操作人員管理</source>
        <translation>Operators</translation>
    </message>
    <message>
        <source>帳號</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Roles</translation>
    </message>
    <message>
        <source>業務範圍</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>狀態</source>
        <translation>State</translation>
    </message>
    <message>
        <source>帳號資料</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>空白＝本所全部業務；多個以空白分隔</source>
        <translation>Empty = every service of the office; separate several with spaces</translation>
    </message>
    <message>
        <source>新帳號的初始密碼，或重設的新密碼</source>
        <translation>A new account's first password, or the new one when resetting</translation>
    </message>
    <message>
        <source>帳號(&amp;C)</source>
        <translation>A&amp;ccount</translation>
    </message>
    <message>
        <source>姓名(&amp;N)</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>業務範圍(&amp;S)</source>
        <translation>&amp;Scope</translation>
    </message>
    <message>
        <source>密碼(&amp;W)</source>
        <translation>Pass&amp;word</translation>
    </message>
    <message>
        <source>新增帳號(&amp;A)</source>
        <translation>&amp;Add account</translation>
    </message>
    <message>
        <source>儲存(&amp;E)</source>
        <translation>Sav&amp;e</translation>
    </message>
    <message>
        <source>重設密碼(&amp;R)</source>
        <translation>&amp;Reset password</translation>
    </message>
    <message>
        <source>停用帳號(&amp;D)</source>
        <translation>&amp;Disable account</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>暫時鎖定（密碼錯誤過多）</source>
        <translation>Locked for a while (wrong passwords)</translation>
    </message>
    <message>
        <source>啟用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>上次登入</source>
        <translation>Last sign-in</translation>
    </message>
    <message>
        <source>未曾登入</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>{t} 櫃檯視窗</source>
        <translation>{t} window</translation>
    </message>
    <message>
        <source>{t} 命令列</source>
        <translation>{t} command line</translation>
    </message>
    <message>
        <source>；待本人變更密碼</source>
        <translation>; must change password</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>這是新帳號的資料：輸入完成後請按「儲存」(Alt+E)。</source>
        <translation>This is a new account's form: when it is filled in, press Save (Alt+E).</translation>
    </message>
    <message>
        <source>請輸入新帳號的初始密碼。</source>
        <translation>Enter the new account's first password.</translation>
    </message>
    <message>
        <source>已新增帳號 {a}。</source>
        <translation>Account {a} added.</translation>
    </message>
    <message>
        <source>已更新 {a} 的姓名、角色與業務範圍。</source>
        <translation>Name, roles and scope of {a} updated.</translation>
    </message>
    <message>
        <source>密碼欄有新密碼：要設定它請按「重設密碼」(Alt+R)；只存姓名、角色與業務範圍請先清空密碼欄。</source>
        <translation>A new password is typed: press Reset password (Alt+R) to set it, or clear Password to save only the name, roles and scope.</translation>
    </message>
    <message>
        <source>請在「密碼」欄輸入新密碼，再按重設密碼。</source>
        <translation>Type the new password in "Password", then press Reset password.</translation>
    </message>
    <message>
        <source>已重設 {a} 的密碼。</source>
        <translation>Password of {a} reset.</translation>
    </message>
    <message>
        <source>已停用帳號 {a}。</source>
        <translation>Account {a} disabled.</translation>
    </message>
    <message>
        <source>已重新啟用帳號 {a}。</source>
        <translation>Account {a} enabled again.</translation>
    </message>
    <message>
        <source>重新啟用帳號(&amp;D)</source>
        <translation>Enable the &amp;disabled account</translation>
    </message>
    <message>
        <source>操作失敗：{e}</source>
        <translation>Failed: {e}</translation>
    </message>
</context>
<context>
    <name>CaseDetail</name>
    <message>
        <source>尚有規費 {n} 元未繳，請按 F6 收費；未繳結案須主管核准</source>
        <translation>NT${n} in fees still due: press F6 to take the payment; closing unpaid needs a supervisor's approval</translation>
    </message>
    <message>
        <source>案件 {n}（{name}）</source>
        <translation>Case {n} ({name})</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <source>主管密碼</source>
        <translation>Supervisor password</translation>
    </message>
</context>
<context>
    <name>ShiftStartDialog</name>
    <message>
        <source>上班檢查</source>
        <translation>Shift-start check</translation>
    </message>
    <message>
        <source>系統檢查全部正常（{n} 項）。</source>
        <translation>System check: all {n} checks ok.</translation>
    </message>
    <message>
        <source>系統檢查：{fail} 項失敗、{warn} 項警告，請依「處理方式」排除或通知資訊人員。</source>
        <translation>System check: {fail} failed, {warn} warnings. Follow "How to fix" or call IT.</translation>
    </message>
    <message>
        <source>✘ 失敗</source>
        <translation>✘ Failed</translation>
    </message>
    <message>
        <source>！警告</source>
        <translation>! Warning</translation>
    </message>
    <message>
        <source>✔ 正常</source>
        <translation>✔ OK</translation>
    </message>
    <message>
        <source>狀態</source>
        <translation>State</translation>
    </message>
    <message>
        <source>項目</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>結果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>處理方式</source>
        <translation>How to fix</translation>
    </message>
    <message>
        <source>關閉</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>OwnPasswordDialog</name>
    <message>
        <source>變更密碼</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>變更 {account} 的密碼：請輸入舊密碼，再輸入新密碼兩次。</source>
        <translation>Change the password of {account}: type the old password, then the new one twice.</translation>
    </message>
    <message>
        <source>{account} 的密碼是管理者設定的一次性密碼：請設定只有自己知道的新密碼（輸入兩次），設定後才能開始作業。取消即登出。</source>
        <translation>The password of {account} is a one-time password an office admin set: choose a new one only you know (type it twice) before you start work. Cancel signs you out.</translation>
    </message>
    <message>
        <source>取消並登出</source>
        <translation>Cancel and sign out</translation>
    </message>
    <message>
        <source>舊密碼(&amp;O)</source>
        <translation>&amp;Old password</translation>
    </message>
    <message>
        <source>新密碼(&amp;N)</source>
        <translation>&amp;New password</translation>
    </message>
    <message>
        <source>再輸入一次新密碼(&amp;A)</source>
        <translation>New password &amp;again</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>請輸入舊密碼。</source>
        <translation>Type the old password.</translation>
    </message>
    <message>
        <source>請輸入新密碼。</source>
        <translation>Type the new password.</translation>
    </message>
    <message>
        <source>兩次輸入的新密碼不一致，請重新輸入。</source>
        <translation>The two new passwords differ; type them again.</translation>
    </message>
    <message>
        <source>變更中…</source>
        <translation>Changing…</translation>
    </message>
    <message>
        <source>密碼已變更；下次登入請使用新密碼。</source>
        <translation>Password changed; sign in with the new one next time.</translation>
    </message>
    <message>
        <source>變更密碼失敗：{e}</source>
        <translation>The password could not be changed: {e}</translation>
    </message>
    <message>
        <source>舊密碼：{e}</source>
        <translation>Old password: {e}</translation>
    </message>
</context>
</TS>
